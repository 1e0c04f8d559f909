//! Credentials, held as secrets and redacted everywhere they could be printed.

use std::fmt;

use base64::Engine as _;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;

/// How the client authenticates: Gong's access key and secret (Basic) or an OAuth token
/// (Bearer).
#[derive(Clone)]
pub enum Credentials {
    /// `Authorization: Basic base64(access_key:secret)`.
    Basic {
        /// The access key (an identifier, not itself secret).
        access_key: String,
        /// The access key secret.
        secret: SecretString,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(SecretString),
}

impl Credentials {
    /// The `Authorization` header value, marked sensitive so that `http` and `reqwest` never
    /// print it.
    pub(crate) fn header_value(&self) -> Result<HeaderValue, Error> {
        let text = match self {
            Self::Basic { access_key, secret } => {
                if access_key.is_empty() || secret.expose_secret().is_empty() {
                    return Err(Error::Config(
                        "the access key and its secret must both be non-empty".into(),
                    ));
                }
                if access_key.contains(':') {
                    return Err(Error::Config(
                        "the access key must not contain ':' (Basic auth separator)".into(),
                    ));
                }
                let pair = format!("{access_key}:{}", secret.expose_secret());
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                )
            }
            Self::Bearer(token) => {
                if token.expose_secret().trim().is_empty() {
                    return Err(Error::Config("the bearer token is empty".into()));
                }
                format!("Bearer {}", token.expose_secret().trim())
            }
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| {
            Error::Config("the credentials contain characters not allowed in a header".into())
        })?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// `"basic"` or `"bearer"`.
    pub fn scheme(&self) -> &'static str {
        match self {
            Self::Basic { .. } => "basic",
            Self::Bearer(_) => "bearer",
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Basic { access_key, .. } => f
                .debug_struct("Basic")
                .field("access_key", access_key)
                .field("secret", &"[REDACTED]")
                .finish(),
            Self::Bearer(_) => f.debug_tuple("Bearer").field(&"[REDACTED]").finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_is_base64_of_key_colon_secret_and_sensitive() {
        let creds = Credentials::Basic {
            access_key: "KEY".into(),
            secret: "s3cr3t".into(),
        };
        let value = creds.header_value().unwrap();
        assert_eq!(value.to_str().unwrap(), "Basic S0VZOnMzY3IzdA==");
        assert!(value.is_sensitive());
        assert_eq!(format!("{value:?}"), "Sensitive");
    }

    #[test]
    fn debug_never_shows_secrets() {
        let basic = Credentials::Basic {
            access_key: "KEY".into(),
            secret: "s3cr3t".into(),
        };
        let bearer = Credentials::Bearer("tok3n".into());
        let text = format!("{basic:?} {bearer:?} {basic:#?}");
        assert!(
            !text.contains("s3cr3t") && !text.contains("tok3n"),
            "{text}"
        );
        assert!(text.contains("[REDACTED]"));
    }

    #[test]
    fn unusable_credentials_are_config_errors_without_the_secret() {
        for creds in [
            Credentials::Basic {
                access_key: String::new(),
                secret: "s3cr3t".into(),
            },
            Credentials::Basic {
                access_key: "a:b".into(),
                secret: "s3cr3t".into(),
            },
            Credentials::Bearer("  ".into()),
            Credentials::Bearer("t0k\n3n".into()),
        ] {
            let err = creds.header_value().unwrap_err().to_string();
            assert!(err.starts_with("invalid configuration"), "{err}");
            assert!(!err.contains("s3cr3t") && !err.contains("t0k"), "{err}");
        }
    }
}
