//! Ground layer: the validated inputs a request names. A phone number, an email address or a
//! subject (either) is parsed once, refusing anything ambiguous before any network call.

pub(crate) mod email;
pub(crate) mod phone;
pub(crate) mod subject;

/// Implements a validated-input conversion trait (`IntoEmailAddress`, `IntoPhoneNumber`) for the
/// parsed type itself and for the string types, which are validated with `$ty::parse`.
macro_rules! validated_input {
    ($trait:ident, $method:ident, $ty:ident) => {
        impl $trait for $ty {
            fn $method(self) -> Result<$ty, crate::error::InvalidInput> {
                Ok(self)
            }
        }
        impl $trait for &$ty {
            fn $method(self) -> Result<$ty, crate::error::InvalidInput> {
                Ok(self.clone())
            }
        }
        impl $trait for &str {
            fn $method(self) -> Result<$ty, crate::error::InvalidInput> {
                $ty::parse(self)
            }
        }
        impl $trait for String {
            fn $method(self) -> Result<$ty, crate::error::InvalidInput> {
                $ty::parse(&self)
            }
        }
        impl $trait for &String {
            fn $method(self) -> Result<$ty, crate::error::InvalidInput> {
                $ty::parse(self)
            }
        }
    };
}
pub(crate) use validated_input;
