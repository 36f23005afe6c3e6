//! Encryption at rest of what an installation must keep secret: the third party's credentials
//! and tokens, and the ActiveCampaign API token (D28).
//!
//! XChaCha20-Poly1305 (RustCrypto's `chacha20poly1305`): an AEAD, so a stored value altered or
//! moved to another row fails to open instead of decrypting to something else; audited and pure
//! Rust (no system library to install); its 24-byte nonces are drawn at random for every
//! write, which that size makes safe for any number of writes under one key (AES-GCM's 12 bytes
//! would not be). The row's id and the column are the associated data: a ciphertext copied
//! into another installation's row does not open there.

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::Error;

/// Nonce length of XChaCha20-Poly1305.
const NONCE: usize = 24;

/// The operator's 32-byte key. Never shown: `Debug` prints `Key(***)`.
#[derive(Clone)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(***)")
    }
}

impl Key {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(bytes)
    }

    /// A key from 64 hexadecimal digits (as an operator keeps it in an environment variable).
    pub fn from_hex(hex_key: &str) -> Result<Key, Error> {
        let bytes = hex::decode(hex_key.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| Error::Invalid("the key must be 64 hexadecimal digits".into()))?;
        Ok(Key(bytes))
    }

    /// A new random key (for tests and first runs; an operator keeps theirs).
    pub fn generate() -> Key {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Key(bytes)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }

    /// `plain` encrypted: a random nonce, then the ciphertext with its tag. `context` names
    /// what it is (row and column) and must be given again to open it.
    pub(crate) fn seal(&self, context: &str, plain: &[u8]) -> Result<Vec<u8>, Error> {
        let mut nonce = [0u8; NONCE];
        OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| Error::Crypto("encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// What [`Key::seal`] sealed with the same `context`.
    pub(crate) fn open(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, Error> {
        if sealed.len() < NONCE {
            return Err(Error::Crypto(format!("{context}: too short")));
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE);
        self.cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| {
                Error::Crypto(format!(
                    "{context}: does not open (another key, or the row was altered)"
                ))
            })
    }
}

/// An unguessable id: 32 random bytes as hex (256 bits; webhook URLs and installation ids).
pub(crate) fn random_id(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_context() {
        let key = Key::generate();
        let sealed = key.seal("installation a/secrets", b"hunter2").unwrap();
        assert!(!sealed.windows(7).any(|w| w == b"hunter2"));
        assert_eq!(
            key.open("installation a/secrets", &sealed).unwrap(),
            b"hunter2"
        );
        assert!(key.open("installation b/secrets", &sealed).is_err());
        assert!(
            Key::generate()
                .open("installation a/secrets", &sealed)
                .is_err()
        );
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(key.open("installation a/secrets", &altered).is_err());
        assert_eq!(format!("{key:?}"), "Key(***)");
        assert!(Key::from_hex("00").is_err());
        assert!(Key::from_hex(&"ab".repeat(32)).is_ok());
    }
}
