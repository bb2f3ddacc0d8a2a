//! Reading an input file from disk, the one way every file Moat reads is read:
//! bounded in size and refusing what is not a regular file, so `/dev/zero`, a
//! FIFO or a directory given as a model ends with an error instead of a hang
//! or an exhausted memory.

use crate::diag::Diagnostic;
use crate::span::{SourceFile, Span};
use std::io::Read;
use std::path::Path;

/// Largest input Moat reads: beyond this a file is an error, not a slow run.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// A file's text, or a diagnostic saying why it could not be read.
pub fn read_text(path: &Path) -> Result<String, Box<Diagnostic>> {
    read_text_limited(path, MAX_INPUT_BYTES)
}

/// [`read_text`] with another size limit (tests use a small one).
pub fn read_text_limited(path: &Path, limit: u64) -> Result<String, Box<Diagnostic>> {
    let name = path.display().to_string();
    let fail = |msg: String| Box::new(Diagnostic::error("io::read", msg).in_file(&name));
    // `metadata` follows symlinks: a link to a regular file is read like the file
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read `{name}`: {e}")))?;
    if !meta.is_file() {
        return Err(fail(format!(
            "cannot read `{name}`: it is {}, not a regular file",
            kind_of(&meta)
        )));
    }
    let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read `{name}`: {e}")))?;
    // the size is read again through the handle: the file may have changed
    // since `metadata`, and one byte past the limit is enough to refuse it
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read `{name}`: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(fail(format!(
            "`{name}` is larger than the {limit} bytes moat reads"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let file = SourceFile::new(name.as_str(), text);
        Box::new(
            Diagnostic::error("io::utf8", format!("`{name}` is not valid UTF-8"))
                .at(&file, Span::new(offset, offset + 1)),
        )
    })
}

/// What a path that is not a regular file is, in words.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn temp_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("moat-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn reads_a_regular_file_and_refuses_one_byte_more_than_the_limit() {
        let path = temp_dir().join("limit.yaml");
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(read_text_limited(&path, 10).unwrap(), "0123456789");
        let err = read_text_limited(&path, 9).unwrap_err();
        assert!(
            err.message.contains("larger than the 9 bytes"),
            "{}",
            err.message
        );
    }

    #[test]
    fn refuses_a_directory() {
        let err = read_text(&temp_dir()).unwrap_err();
        assert!(
            err.message.contains("a directory, not a regular file"),
            "{}",
            err.message
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_device_without_reading_it() {
        let err = read_text(Path::new("/dev/zero")).unwrap_err();
        assert!(
            err.message.contains("a device, not a regular file"),
            "{}",
            err.message
        );
    }

    #[cfg(unix)]
    #[test]
    fn follows_a_symlink_to_a_regular_file() {
        let dir = temp_dir();
        let target = dir.join("target.yaml");
        let link = dir.join("link.yaml");
        std::fs::write(&target, "name: m\n").unwrap();
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(read_text(&link).unwrap(), "name: m\n");
    }

    #[test]
    fn points_at_the_first_invalid_byte() {
        let path = temp_dir().join("latin1.yaml");
        std::fs::write(&path, b"name: caf\xe9\n").unwrap();
        let err = read_text(&path).unwrap_err();
        assert_eq!(err.code, "io::utf8");
        let loc = err.location.unwrap();
        assert_eq!((loc.line, loc.col), (1, 10));
    }
}
