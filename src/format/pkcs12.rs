//! PKCS#12 (placeholder while it is written).
use crate::error::Result;
use crate::format::PrivateKeyFile;

pub(crate) fn decode(_input: &[u8]) -> Result<Box<dyn PrivateKeyFile>> {
    Err(crate::error::Error::new(
        crate::error::ErrorKind::UnrecognizedFormat,
    ))
}
