//! Passphrases, held so that they are zeroized when dropped and never printed.

use std::fmt;

use zeroize::Zeroizing;

/// A passphrase: bytes (usually UTF-8), zeroized on drop, `[secret]` in `Debug`.
///
/// ```
/// use keyconv::Passphrase;
///
/// let pass = Passphrase::from("correct horse");
/// assert_eq!(pass.len(), 13);
/// assert!(!format!("{pass:?}").contains("horse"));
/// ```
#[derive(Clone)]
pub struct Passphrase(Zeroizing<Vec<u8>>);

impl Passphrase {
    /// A passphrase from its bytes.
    ///
    /// ```
    /// let pass = keyconv::Passphrase::new(b"p\xe4ss".to_vec()); // Latin-1 bytes are fine too
    /// assert_eq!(pass.as_bytes(), b"p\xe4ss");
    /// ```
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Passphrase(Zeroizing::new(bytes.into()))
    }

    /// The passphrase's bytes.
    ///
    /// ```
    /// assert_eq!(keyconv::Passphrase::from("pw").as_bytes(), b"pw");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether the passphrase is empty (which every format treats as "no encryption").
    ///
    /// ```
    /// assert!(keyconv::Passphrase::from("").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The passphrase's length in bytes.
    ///
    /// ```
    /// assert_eq!(keyconv::Passphrase::from("ключ").len(), 8); // bytes, not characters
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl From<&str> for Passphrase {
    fn from(s: &str) -> Self {
        Passphrase::new(s.as_bytes())
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase([secret])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let p = Passphrase::from("hunter2");
        assert_eq!(format!("{p:?}"), "Passphrase([secret])");
        assert_eq!(p.as_bytes(), b"hunter2");
    }
}
