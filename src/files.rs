//! Files: finding the designs in folders (ripgrep's walker, in sorted
//! order, `.gitignore`, `.ignore` and the `exclude` globs of
//! blueprint.toml honoured) and, for `import`, the YAML files, reading
//! within a size limit, and writing
//! outputs whole or not at all, never over what the user did not name.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{Match, WalkBuilder};

use crate::design::read::MAX_FILE_BYTES;

/// What a search of the given paths found.
#[derive(Debug, Default)]
pub struct Found {
    /// Files named on the command line (always read), then the designs of
    /// each folder in sorted order.
    pub designs: Vec<PathBuf>,
    /// YAML files and folders passed over, and why (for `--verbose`).
    pub skipped: Vec<Skipped>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// The `exclude` globs of a blueprint.toml, with gitignore's syntax,
/// rooted at the folder of that file.
#[derive(Clone, Debug)]
pub struct Exclude {
    matcher: Gitignore,
}

impl Exclude {
    /// Globs relative to `root`; a glob gitignore would refuse is an error
    /// naming it.
    pub fn new(root: &Path, globs: &[String]) -> Result<Exclude, String> {
        let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut builder = GitignoreBuilder::new(root);
        for glob in globs {
            builder
                .add_line(None, glob)
                .map_err(|error| format!("`{glob}` in `exclude` is not a glob: {error}"))?;
        }
        let matcher = builder
            .build()
            .map_err(|error| format!("the `exclude` globs: {error}"))?;
        Ok(Exclude { matcher })
    }

    /// The glob that excludes `path` (absolute, links resolved as in the
    /// root), if one does.
    fn excluding(&self, path: &Path, is_dir: bool) -> Option<String> {
        if !path.starts_with(self.matcher.path()) {
            return None;
        }
        match self.matcher.matched_path_or_any_parents(path, is_dir) {
            Match::Ignore(glob) => Some(glob.original().to_string()),
            _ => None,
        }
    }
}

/// The design files named by `paths`: a file is always read as given; a
/// folder is searched for YAML files that are designs, with `exclude_for`
/// giving the `exclude` globs that apply to it. With `explain`, the YAML
/// files passed over are listed with the reason, `.gitignore`d ones
/// included (which costs a second walk).
pub fn discover(
    paths: &[PathBuf],
    exclude_for: &dyn Fn(&Path) -> Option<Exclude>,
    explain: bool,
) -> Found {
    let mut found = Found::default();
    for path in paths {
        if path.is_dir() {
            let exclude = exclude_for(path);
            let (mut designs, mut skipped) = walk(path, exclude.as_ref(), Wanted::Designs);
            if explain {
                skipped.extend(ignored_by_rules(path, &designs, &skipped));
            }
            designs.sort();
            skipped.sort_by(|a, b| a.path.cmp(&b.path));
            found.designs.extend(designs);
            found.skipped.extend(skipped);
        } else {
            found.designs.push(path.clone());
        }
    }
    found
}

/// The YAML files named by `paths`, for `import`: files as given, folders
/// searched with the same walker as [`discover`] for every regular
/// `*.yaml`/`*.yml` file, in sorted order.
pub fn yaml_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            let (mut in_folder, _) = walk(path, None, Wanted::Yaml);
            in_folder.sort();
            found.extend(in_folder);
        } else {
            found.push(path.clone());
        }
    }
    found
}

/// Which regular YAML files a walk keeps.
#[derive(Clone, Copy, PartialEq)]
enum Wanted {
    /// Those that are designs (see [`design_or_why_not`]).
    Designs,
    /// Every one.
    Yaml,
}

/// Folders never searched, whatever the ignore files say: build output and
/// installed packages hold copies, not designs.
fn pruned(name: &std::ffi::OsStr) -> bool {
    name == "target" || name == "node_modules"
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// The walker every folder search uses: sorted, hidden files and folders
/// left out, links not followed (so no loop and each file once), build and
/// package folders pruned. With `rules`, `.gitignore` (in a repository or
/// not), `.ignore` and `.git/info/exclude` are honoured; the user's global
/// git excludes are not, so that every machine finds the same files.
fn walker(folder: &Path, rules: bool) -> WalkBuilder {
    let mut builder = WalkBuilder::new(folder);
    builder
        .hidden(true)
        .follow_links(false)
        .git_global(false)
        .git_ignore(rules)
        .git_exclude(rules)
        .ignore(rules)
        .parents(rules)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b));
    builder
}

fn walk(folder: &Path, exclude: Option<&Exclude>, wanted: Wanted) -> (Vec<PathBuf>, Vec<Skipped>) {
    let skipped = Arc::new(Mutex::new(Vec::new()));
    let mut builder = walker(folder, true);
    {
        let skipped = Arc::clone(&skipped);
        let exclude = exclude.cloned();
        // Globs are rooted at the configuration's folder, found from the
        // canonical path: entries are matched by their canonical path too,
        // while the paths reported stay as the user wrote them.
        let canonical_root = fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        let given_root = folder.to_path_buf();
        builder.filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir && entry.depth() > 0 && pruned(entry.file_name()) {
                return false;
            }
            if entry.depth() == 0 || !(is_dir || is_yaml(entry.path())) {
                return true;
            }
            let relative = entry
                .path()
                .strip_prefix(&given_root)
                .unwrap_or(entry.path());
            let canonical = canonical_root.join(relative);
            match exclude
                .as_ref()
                .and_then(|e| e.excluding(&canonical, is_dir))
            {
                Some(glob) => {
                    if let Ok(mut skipped) = skipped.lock() {
                        skipped.push(Skipped {
                            path: entry.path().to_path_buf(),
                            reason: format!("excluded by `{glob}` in blueprint.toml"),
                        });
                    }
                    false
                }
                None => true,
            }
        });
    }
    let mut designs = Vec::new();
    let mut passed_over = Vec::new();
    for entry in builder.build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                passed_over.push(Skipped {
                    path: folder.to_path_buf(),
                    reason: format!("part of it cannot be searched: {error}"),
                });
                continue;
            }
        };
        let path = entry.path();
        if entry.depth() == 0 || !is_yaml(path) {
            continue;
        }
        let file_type = entry.file_type();
        if file_type.is_some_and(|t| t.is_dir()) {
            continue;
        }
        if file_type.is_some_and(|t| t.is_symlink()) {
            passed_over.push(Skipped {
                path: path.to_path_buf(),
                reason: "a symbolic link: a folder search reads regular files only (name it to check it)".to_string(),
            });
            continue;
        }
        if !file_type.is_some_and(|t| t.is_file()) {
            passed_over.push(Skipped {
                path: path.to_path_buf(),
                reason: "not a regular file (a pipe, socket or device)".to_string(),
            });
            continue;
        }
        if wanted == Wanted::Yaml {
            designs.push(path.to_path_buf());
            continue;
        }
        match sniff(path) {
            Ok(()) => designs.push(path.to_path_buf()),
            Err(reason) => passed_over.push(Skipped {
                path: path.to_path_buf(),
                reason,
            }),
        }
    }
    let mut skipped = std::mem::take(&mut *skipped.lock().unwrap_or_else(|e| e.into_inner()));
    skipped.extend(passed_over);
    (designs, skipped)
}

/// The YAML files a walk without the ignore files would have looked at
/// that the real walk never saw: left out by `.gitignore`, `.ignore` or
/// `.git/info/exclude`.
fn ignored_by_rules(folder: &Path, designs: &[PathBuf], skipped: &[Skipped]) -> Vec<Skipped> {
    let seen = |path: &Path| {
        designs.iter().any(|d| d == path)
            || skipped
                .iter()
                .any(|s| path.starts_with(&s.path) && s.path != folder)
    };
    let mut builder = walker(folder, false);
    builder.filter_entry(|entry| {
        !(entry.depth() > 0
            && entry.file_type().is_some_and(|t| t.is_dir())
            && pruned(entry.file_name()))
    });
    builder
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.depth() > 0 && is_yaml(entry.path()))
        .filter(|entry| !entry.file_type().is_some_and(|t| t.is_dir()))
        .filter(|entry| !seen(entry.path()))
        .map(|entry| Skipped {
            path: entry.path().to_path_buf(),
            reason: "ignored by .gitignore, .ignore or .git/info/exclude".to_string(),
        })
        .collect()
}

/// Bytes of a file too large to be a design that are read to tell what it
/// is.
const SNIFF_BYTES: usize = 64 * 1024;

/// Whether the file at `path` is a design (see [`design_or_why_not`]). The
/// size is checked before reading: a file past the reader's limit is read
/// only far enough to tell, and counts as a design (whose size the reader
/// then reports) only if it says it is one.
fn sniff(path: &Path) -> Result<(), String> {
    let size = fs::metadata(path)
        .map_err(|error| format!("cannot be read: {error}"))?
        .len();
    let limit = if size > MAX_FILE_BYTES as u64 {
        SNIFF_BYTES
    } else {
        MAX_FILE_BYTES
    };
    let bytes = read_limited(path, limit).map_err(|error| format!("cannot be read: {error}"))?;
    design_or_why_not(&String::from_utf8_lossy(&bytes))
}

/// Whether a YAML text is a design, by the keys at its top: `version` and
/// `components`, and no key that marks another format (shared/spec/cli.md).
/// Otherwise, why not, for `--verbose`.
pub fn design_or_why_not(text: &str) -> Result<(), String> {
    let keys = top_level_keys(text);
    let has = |key: &str| keys.iter().any(|k| k == key);
    if has("openapi") || has("swagger") {
        return Err("an OpenAPI document (`openapi` or `swagger` at the top)".to_string());
    }
    if has("apiVersion") && has("kind") {
        return Err("a Kubernetes manifest (`apiVersion` and `kind` at the top)".to_string());
    }
    if has("services") {
        return Err("a Compose file (`services` at the top)".to_string());
    }
    if has("version") && has("components") {
        Ok(())
    } else {
        Err("not a design: no `version` and `components` at the top".to_string())
    }
}

/// Whether a YAML text has `components` at its top: what the language
/// server asks of a file being written, which may not have its `version`
/// yet.
pub fn has_components_key(text: &str) -> bool {
    top_level_keys(text).iter().any(|key| key == "components")
}

/// The keys of the top-level mapping, from the text: block keys at the
/// start of a line (of any document in the file), or the keys of a flow
/// mapping `{...}` at nesting depth one. A cheap look, not a parse, so that
/// a design with a syntax error is still found and reported.
fn top_level_keys(text: &str) -> Vec<String> {
    let first = text
        .lines()
        .map(str::trim_start)
        .find(|line| !line.is_empty() && !line.starts_with('#') && !line.starts_with("---"))
        .unwrap_or_default();
    if first.starts_with('{') {
        return flow_keys(text);
    }
    text.lines()
        .filter(|line| !line.starts_with([' ', '\t', '#', '-', '{', '[']))
        .filter_map(|line| {
            let (key, rest) = line.split_once(':')?;
            (rest.is_empty() || rest.starts_with([' ', '\t']))
                .then(|| key.trim().trim_matches(['"', '\'']).to_string())
        })
        .collect()
}

/// The keys at depth one of a flow mapping: each word followed by `:`
/// right after the opening brace or a comma at that depth.
fn flow_keys(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut expecting_key = false;
    let mut key = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        if let Some(open) = quote {
            if c == open {
                quote = None;
            } else if depth == 1 && expecting_key {
                key.push(c);
            }
            continue;
        }
        match c {
            '{' | '[' => {
                depth += 1;
                expecting_key = depth == 1;
                key.clear();
            }
            '}' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 1 => {
                expecting_key = true;
                key.clear();
            }
            ':' if depth == 1 && expecting_key => {
                keys.push(key.trim().to_string());
                expecting_key = false;
            }
            '"' | '\'' => quote = Some(c),
            c if depth == 1 && expecting_key => key.push(c),
            _ => {}
        }
    }
    keys
}

/// Reads a file, refusing one larger than `limit` without reading it
/// whole: at most `limit + 1` bytes are read, so the caller can tell.
pub fn read_limited(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let file = fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Why an output cannot go to a path.
#[derive(Debug)]
pub enum WriteError {
    /// The path is the design being read.
    IsInput,
    /// A folder is there.
    IsFolder,
    /// A symbolic link that leads nowhere.
    DanglingLink,
    Io(io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::IsInput => f.write_str("it is the design being read; name another file"),
            WriteError::IsFolder => f.write_str("it is a folder; name a file"),
            WriteError::DanglingLink => f.write_str("it is a symbolic link to nothing"),
            WriteError::Io(error) => error.fmt(f),
        }
    }
}

impl From<io::Error> for WriteError {
    fn from(error: io::Error) -> Self {
        WriteError::Io(error)
    }
}

/// Whether `a` and `b` are the same file (through links, hard or symbolic).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (fs::metadata(a), fs::metadata(b)) {
            return a.dev() == b.dev() && a.ino() == b.ino();
        }
        false
    }
    #[cfg(not(unix))]
    {
        matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b)
    }
}

/// Writes an output the user named with `-o`: never over `input` (the
/// design read); into a device or pipe that is there (`/dev/null`, a FIFO),
/// never replacing it; over a regular file (or the file a link leads to)
/// whole or not at all; and to a new path without ever taking the place
/// of a file that appears meanwhile.
pub fn write_output(path: &Path, bytes: &[u8], input: Option<&Path>) -> Result<(), WriteError> {
    if input.is_some_and(|input| same_file(path, input)) {
        return Err(WriteError::IsInput);
    }
    match fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => Err(WriteError::IsFolder),
        Ok(metadata) if metadata.is_file() => {
            // Replace the file a symbolic link leads to, not the link.
            let target = fs::canonicalize(path)?;
            write_atomically(&target, bytes)?;
            Ok(())
        }
        Ok(_) => {
            let mut device = fs::OpenOptions::new().write(true).open(path)?;
            device.write_all(bytes)?;
            device.flush()?;
            Ok(())
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(path).is_ok() {
                return Err(WriteError::DanglingLink);
            }
            write_new_atomically(path, bytes)?;
            Ok(())
        }
        Err(error) => Err(WriteError::Io(error)),
    }
}

/// The temporary file being written, if any, for [`remove_temporary`] to
/// take away when the program is interrupted.
static TEMPORARY: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Removes the temporary file of a write in progress: for the handler of
/// Ctrl-C and SIGTERM, which end the program without running destructors.
pub fn remove_temporary() {
    if let Ok(mut temporary) = TEMPORARY.lock()
        && let Some(path) = temporary.take()
    {
        let _ = fs::remove_file(path);
    }
}

/// A temporary file in `folder`, known to [`remove_temporary`] until it is
/// dropped or persisted. Every error path drops it, which removes it.
struct Temporary {
    file: Option<tempfile::NamedTempFile>,
}

impl Temporary {
    fn new_in(folder: &Path) -> io::Result<Temporary> {
        let file = tempfile::Builder::new()
            .prefix(".blueprint-")
            .suffix(".tmp")
            .tempfile_in(folder)?;
        if let Ok(mut temporary) = TEMPORARY.lock() {
            *temporary = Some(file.path().to_path_buf());
        }
        Ok(Temporary { file: Some(file) })
    }

    fn file(&mut self) -> &mut tempfile::NamedTempFile {
        self.file.as_mut().expect("present until persisted")
    }

    /// Renames the file to `path` (over it, or only if nothing is there).
    fn persist(mut self, path: &Path, replace: bool) -> io::Result<()> {
        let file = self.file.take().expect("present until persisted");
        let result = if replace {
            file.persist(path).map(drop)
        } else {
            file.persist_noclobber(path).map(drop)
        };
        // A failed rename hands the file back in the error; dropping it
        // removes it.
        result.map_err(|error| error.error)
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if let Ok(mut temporary) = TEMPORARY.lock() {
            *temporary = None;
        }
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to `path` whole or not at all: into a temporary file in
/// the same folder, flushed, then renamed over the destination.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut temporary = Temporary::new_in(folder_of(path))?;
    temporary.file().write_all(bytes)?;
    // A temporary file is private; the result keeps the permissions of the
    // file it replaces, or gets the usual ones of a new file.
    let permissions = fs::metadata(path)
        .map(|existing| existing.permissions())
        .ok()
        .or_else(default_permissions);
    if let Some(permissions) = permissions {
        temporary.file().as_file().set_permissions(permissions)?;
    }
    temporary.file().as_file().sync_all()?;
    temporary.persist(path, true)
}

/// Writes `bytes` to a new file at `path`, whole or not at all, and never
/// over an existing file: the temporary file is linked into place only if
/// nothing is there (an existing file gives `ErrorKind::AlreadyExists`).
pub fn write_new_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut temporary = Temporary::new_in(folder_of(path))?;
    temporary.file().write_all(bytes)?;
    if let Some(permissions) = default_permissions() {
        temporary.file().as_file().set_permissions(permissions)?;
    }
    temporary.file().as_file().sync_all()?;
    temporary.persist(path, false)
}

/// The mode of a new file on Unix (0644); elsewhere the temporary file's
/// own permissions already are the usual ones.
#[cfg(unix)]
fn default_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<fs::Permissions> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn designs_are_told_from_other_yaml() {
        assert!(design_or_why_not("version: 1\nname: x\ncomponents:\n  a: {}\n").is_ok());
        assert!(design_or_why_not("# c\n\"version\": 1\n'components': {}\n").is_ok());
        assert!(
            design_or_why_not("{version: 1, name: x, components: {a: {kind: service}}}\n").is_ok()
        );
        let openapi = "openapi: 3.0.0\ninfo: {title: x, version: 1}\ncomponents:\n  schemas: {}\n";
        assert!(design_or_why_not(openapi).unwrap_err().contains("OpenAPI"));
        let swagger = "swagger: '2.0'\nversion: 1\ncomponents: {}\n";
        assert!(design_or_why_not(swagger).unwrap_err().contains("OpenAPI"));
        let compose = "version: '3'\nservices:\n  web: {image: x}\n";
        assert!(design_or_why_not(compose).unwrap_err().contains("Compose"));
        let kubernetes = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\napiVersion: v1\nkind: Service\n";
        assert!(
            design_or_why_not(kubernetes)
                .unwrap_err()
                .contains("Kubernetes")
        );
        assert!(design_or_why_not("components:\n  a: {}\n").is_err());
        assert!(design_or_why_not("name: x\n  version: 1\n  components: {}\n").is_err());
        assert!(
            design_or_why_not("{openapi: 3.0.0, version: 1, components: {}}").is_err(),
            "flow style too"
        );
        assert!(
            design_or_why_not("{a: {version: 1, components: {}}}").is_err(),
            "only the top counts"
        );
    }
}
