//! The one error type of the xtask: a message that names the file and the place.
//!
//! Generation fails on a maintainer's machine when upstream changes shape, so every failure must
//! say *where* (file, JSON pointer or patch index) and *what*, never a panic backtrace.

use std::fmt;
use std::path::{Path, PathBuf};

/// A failure of one xtask step, located in a file when it has one.
#[derive(Debug)]
pub struct Error {
    file: Option<PathBuf>,
    message: String,
}

impl Error {
    /// An error that is not tied to a file.
    pub fn msg(message: impl Into<String>) -> Self {
        Self {
            file: None,
            message: message.into(),
        }
    }

    /// An error in `file`; `message` should name the place inside it.
    pub fn in_file(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Self {
            file: Some(file.as_ref().to_path_buf()),
            message: message.into(),
        }
    }

    /// Ties an error raised without knowing the file to `file`, keeping an existing one.
    pub fn with_file(mut self, file: impl AsRef<Path>) -> Self {
        if self.file.is_none() {
            self.file = Some(file.as_ref().to_path_buf());
        }
        self
    }

    /// The message without the file, for tests.
    #[cfg(test)]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{}: {}", file.display(), self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
