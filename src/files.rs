//! Finding design files: the paths given, and inside folders every
//! `*.yaml`/`*.yml` file with `components:` at the top, in sorted order
//! (or, for `import`, every YAML file).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The design files named by `paths`: files as given, folders searched
/// recursively (hidden folders and `target` skipped).
pub fn discover(paths: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    find(paths, &is_design_file)
}

/// The YAML files named by `paths`, for `import`: files as given, folders
/// searched recursively for every `*.yaml`/`*.yml` file.
pub fn yaml_files(paths: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    find(paths, &is_yaml_file)
}

fn find(paths: &[PathBuf], wanted: &dyn Fn(&Path) -> bool) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut in_folder = Vec::new();
            walk(path, wanted, &mut in_folder)?;
            in_folder.sort();
            found.extend(in_folder);
        } else {
            found.push(path.clone());
        }
    }
    Ok(found)
}

fn walk(folder: &Path, wanted: &dyn Fn(&Path) -> bool, found: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(folder)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            walk(&path, wanted, found)?;
        } else if wanted(&path) {
            found.push(path);
        }
    }
    Ok(())
}

fn is_yaml_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

fn is_design_file(path: &Path) -> bool {
    is_yaml_file(path)
        && fs::read(path)
            .map(|bytes| has_components_key(&String::from_utf8_lossy(&bytes)))
            .unwrap_or(false)
}

/// True when a top-level `components:` key starts one of the lines.
pub fn has_components_key(text: &str) -> bool {
    text.lines().any(|line| line.starts_with("components:"))
}

/// Reads a file, refusing one larger than the reader would accept without
/// reading it whole.
pub fn read_limited(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let file = fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Writes `bytes` to `path` whole or not at all: into a temporary file in
/// the same folder, flushed, then renamed over the destination.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(folder)?;
    file.write_all(bytes)?;
    // A temporary file is private; the result keeps the permissions of the
    // file it replaces, or gets the usual ones of a new file.
    let permissions = std::fs::metadata(path)
        .map(|existing| existing.permissions())
        .ok()
        .or_else(default_permissions);
    if let Some(permissions) = permissions {
        file.as_file().set_permissions(permissions)?;
    }
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Writes `bytes` to a new file at `path`, whole or not at all, and never
/// over an existing file: the temporary file is linked into place only if
/// nothing is there (an existing file gives `ErrorKind::AlreadyExists`).
pub fn write_new_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(folder)?;
    file.write_all(bytes)?;
    if let Some(permissions) = default_permissions() {
        file.as_file().set_permissions(permissions)?;
    }
    file.as_file().sync_all()?;
    file.persist_noclobber(path).map_err(|error| error.error)?;
    Ok(())
}

/// The mode of a new file on Unix (0644); elsewhere the temporary file's
/// own permissions already are the usual ones.
#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}
