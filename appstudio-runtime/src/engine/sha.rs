//! `!sha`: hashes `value_to_encrypt` with any algorithm of the spec, or an HMAC with `secret`.

use crate::json::{Map, Value};
use digest::{Digest, ExtendableOutput, Update};
use hmac::{Mac, SimpleHmac};

use super::error::{Error, Result};
use super::expand::push_text;
use crate::ir::ShaAlgorithm;

/// Output lengths of the extendable-output functions, in bytes (twice their security level,
/// as Python's `hashlib` examples use).
const SHAKE_128_LEN: usize = 32;
const SHAKE_256_LEN: usize = 64;

/// `{value_to_encrypt, hash}` for an input object holding `value_to_encrypt`.
pub(super) fn run(algorithm: ShaAlgorithm, secret: Option<&str>, input: &Value) -> Result<Value> {
    let Some(value) = input.get("value_to_encrypt") else {
        return Err(Error::invalid(
            "`!sha` needs an input object with `value_to_encrypt`",
        ));
    };
    let mut text = String::new();
    push_text(value, &mut text);
    let hash = match secret {
        None => digest(algorithm, text.as_bytes()),
        Some(key) => hmac(algorithm, key.as_bytes(), text.as_bytes())?,
    };
    let mut out = Map::with_capacity(2);
    out.insert("value_to_encrypt", value.clone());
    out.insert("hash", Value::from(hash));
    Ok(Value::Object(out))
}

fn hex_of<D: Digest>(data: &[u8]) -> String {
    hex::encode(D::digest(data))
}

fn xof<X: Default + ExtendableOutput>(data: &[u8], len: usize) -> String {
    let mut x = X::default();
    Update::update(&mut x, data);
    hex::encode(x.finalize_boxed(len))
}

/// The hex digest of `data`.
pub(super) fn digest(algorithm: ShaAlgorithm, data: &[u8]) -> String {
    use ShaAlgorithm as A;
    match algorithm {
        A::Md5 => hex_of::<md5::Md5>(data),
        A::Sha1 => hex_of::<sha1::Sha1>(data),
        A::Sha224 => hex_of::<sha2::Sha224>(data),
        A::Sha256 => hex_of::<sha2::Sha256>(data),
        A::Sha384 => hex_of::<sha2::Sha384>(data),
        A::Sha512 => hex_of::<sha2::Sha512>(data),
        A::Sha3_224 => hex_of::<sha3::Sha3_224>(data),
        A::Sha3_256 => hex_of::<sha3::Sha3_256>(data),
        A::Sha3_384 => hex_of::<sha3::Sha3_384>(data),
        A::Sha3_512 => hex_of::<sha3::Sha3_512>(data),
        A::Shake128 => xof::<sha3::Shake128>(data, SHAKE_128_LEN),
        A::Shake256 => xof::<sha3::Shake256>(data, SHAKE_256_LEN),
        A::Blake2b => hex_of::<blake2::Blake2b512>(data),
        A::Blake2s => hex_of::<blake2::Blake2s256>(data),
    }
}

fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> String {
    let mut m =
        <M as hmac::digest::KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    m.update(data);
    hex::encode(m.finalize().into_bytes())
}

/// The hex HMAC of `data` under `key`.
pub(super) fn hmac(algorithm: ShaAlgorithm, key: &[u8], data: &[u8]) -> Result<String> {
    use ShaAlgorithm as A;
    Ok(match algorithm {
        A::Md5 => mac::<SimpleHmac<md5::Md5>>(key, data),
        A::Sha1 => mac::<SimpleHmac<sha1::Sha1>>(key, data),
        A::Sha224 => mac::<SimpleHmac<sha2::Sha224>>(key, data),
        A::Sha256 => mac::<SimpleHmac<sha2::Sha256>>(key, data),
        A::Sha384 => mac::<SimpleHmac<sha2::Sha384>>(key, data),
        A::Sha512 => mac::<SimpleHmac<sha2::Sha512>>(key, data),
        A::Sha3_224 => mac::<SimpleHmac<sha3::Sha3_224>>(key, data),
        A::Sha3_256 => mac::<SimpleHmac<sha3::Sha3_256>>(key, data),
        A::Sha3_384 => mac::<SimpleHmac<sha3::Sha3_384>>(key, data),
        A::Sha3_512 => mac::<SimpleHmac<sha3::Sha3_512>>(key, data),
        A::Blake2b => mac::<SimpleHmac<blake2::Blake2b512>>(key, data),
        A::Blake2s => mac::<SimpleHmac<blake2::Blake2s256>>(key, data),
        A::Shake128 | A::Shake256 => {
            return Err(Error::config(
                "`!sha` cannot compute an HMAC with shake_128 or shake_256 (they have no fixed \
                 block output); use a sha2 or sha3 algorithm with `secret`",
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn known_digests() {
        // Test vectors of "abc" (FIPS 180-4, FIPS 202, RFC 1321, RFC 7693).
        let abc = b"abc";
        assert_eq!(
            digest(ShaAlgorithm::Md5, abc),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            digest(ShaAlgorithm::Sha1, abc),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            digest(ShaAlgorithm::Sha256, abc),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            digest(ShaAlgorithm::Sha3_256, abc),
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"
        );
        assert_eq!(
            digest(ShaAlgorithm::Blake2s, abc),
            "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"
        );
        assert_eq!(digest(ShaAlgorithm::Shake128, b"").len(), 64);
        assert_eq!(digest(ShaAlgorithm::Shake256, b"").len(), 128);
    }

    #[test]
    fn hmac_sha256_rfc4231_case_2() {
        let out = hmac(
            ShaAlgorithm::Sha256,
            b"Jefe",
            b"what do ya want for nothing?",
        )
        .unwrap();
        assert_eq!(
            out,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(hmac(ShaAlgorithm::Shake128, b"k", b"d").is_err());
    }

    #[test]
    fn command_output() {
        let out = run(ShaAlgorithm::Md5, None, &json!({"value_to_encrypt": "abc"})).unwrap();
        assert_eq!(
            out,
            json!({"value_to_encrypt": "abc", "hash": "900150983cd24fb0d6963f7d28e17f72"})
        );
        assert!(run(ShaAlgorithm::Md5, None, &json!({"other": 1})).is_err());
    }
}
