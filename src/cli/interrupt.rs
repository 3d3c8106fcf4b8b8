//! Ctrl-C, SIGTERM and SIGHUP: the program still ends by the signal, as it
//! would without a handler (so a shell loop around it stops too), but first
//! removes the temporary file of an output being written, which the
//! signal's default action would leave behind.

/// Starts the thread that waits for the signals, once, for the whole run.
pub fn clean_up_on_interrupt() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        // Without the handler the signals still end the program, so a
        // failure to install it only costs the clean-up.
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                blueprint::files::remove_temporary();
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    }
}
