//! Where this run's credentials came from, so that error messages (`exit`) say what to fix,
//! without needing the code that finds the credentials (`credentials`).

use std::sync::OnceLock;

/// Where the credentials of this run came from; error messages say what to fix accordingly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET, or GONG_BEARER_TOKEN.
    Environment,
    /// The stored OAuth login.
    OAuth,
}

static SOURCE: OnceLock<Source> = OnceLock::new();

impl Source {
    /// Makes `self` this run's source (the first call counts).
    pub fn record(self) {
        let _ = SOURCE.set(self);
    }

    /// This run's source (the environment until a client was built from a login).
    pub fn current() -> Self {
        SOURCE.get().copied().unwrap_or(Self::Environment)
    }

    /// What to check when Gong refuses the credentials.
    pub fn what_to_check(self) -> &'static str {
        match self {
            Self::Environment => {
                "GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET (or GONG_BEARER_TOKEN), and that the \
                 key may use the API"
            }
            Self::OAuth => {
                "the OAuth login (`gong-privacy auth status`); if it stays refused, run \
                 `gong-privacy auth login` again"
            }
        }
    }

    /// How to get credentials with `scope`.
    pub fn how_to_get_scope(self, scope: &str) -> String {
        match self {
            Self::Environment => format!(
                "use an access key that has it (GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET, or \
                 GONG_BEARER_TOKEN with {scope})"
            ),
            Self::OAuth => format!(
                "the app must ask for it and the customer grant it: run `gong-privacy auth login` \
                 again (it asks for every scope the commands use unless --scope narrows it), \
                 and check that the app's settings in Gong include {scope}"
            ),
        }
    }
}

/// One mebibyte: `--max-response-mib` is in these.
pub const MIB: usize = 1024 * 1024;
