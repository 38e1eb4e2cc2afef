//! Files outside the state: a [`BlobRef`] in events and aggregates, the bytes in a
//! [`BlobStore`].
//!
//! Uploaded assets, generated drafts and clean files, and trained styles are
//! content-addressed by their SHA-256: events and partition snapshots carry the
//! small [`BlobRef`] only, never pixels or samples. The library never deletes a blob,
//! so nothing an order or a model still references can disappear.
//!
//! ```
//! use fivergo_core::blob::{BlobStore, MemoryBlobStore};
//! let blobs = MemoryBlobStore::default();
//! let r = blobs.store(b"dry wit", "text/plain").unwrap();
//! assert_eq!(r.len, 7);
//! assert_eq!(blobs.fetch(&r).unwrap().as_bytes(), b"dry wit");
//! ```

use crate::error::Error;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The bytes of a file (PNG, JPEG, WebP, WAV, UTF-8 text, a style's JSON): cheap to
/// clone, serialized as base64 where a value must carry bytes.
///
/// ```
/// use fivergo_core::blob::Blob;
/// let b = Blob::from(&b"hello"[..]);
/// let json = serde_json::to_string(&b).unwrap();
/// assert_eq!(json, "\"aGVsbG8=\"");
/// assert_eq!(serde_json::from_str::<Blob>(&json).unwrap().as_bytes(), b"hello");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Blob(Arc<[u8]>);

impl Blob {
    /// The bytes.
    ///
    /// ```
    /// use fivergo_core::Blob;
    /// let blob = Blob::from(b"koi".to_vec());
    /// assert_eq!(blob.as_bytes(), b"koi");
    /// assert_eq!(blob.clone().as_bytes().len(), 3); // clones share the bytes
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Blob(bytes.into())
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Blob(bytes.into())
    }
}

impl std::fmt::Debug for Blob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl Serialize for Blob {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        base64_bytes::serialize(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        base64_bytes::deserialize(deserializer).map(Blob::from)
    }
}

/// What events and aggregates hold of a file: its SHA-256, size, media type and,
/// where known, its pixel size or duration.
///
/// ```
/// use fivergo_core::blob::BlobRef;
/// let r = BlobRef::of(b"abc", "text/plain");
/// assert_eq!(r.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// assert_eq!(serde_json::to_value(&r).unwrap()["media_type"], "text/plain");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BlobRef {
    /// Lower-case hex SHA-256 of the bytes: the blob's address.
    pub sha256: String,
    /// Size in bytes.
    pub len: u64,
    /// `image/png`, `audio/wav`, `text/plain`, ...
    pub media_type: String,
    /// Pixel width of an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Pixel height of an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Duration of a recording, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

impl BlobRef {
    /// The reference of `bytes` (their SHA-256 and size) as `media_type`.
    ///
    /// ```
    /// use fivergo_core::BlobRef;
    /// let r = BlobRef::of(b"", "text/plain");
    /// assert_eq!(r.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /// assert_eq!((r.len, r.width, r.duration_ms), (0, None, None));
    /// assert_eq!(BlobRef::of(b"a", "text/plain"), BlobRef::of(b"a", "text/plain")); // content-addressed
    /// ```
    pub fn of(bytes: &[u8], media_type: &str) -> Self {
        let digest = Sha256::digest(bytes);
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        Self {
            sha256,
            len: bytes.len() as u64,
            media_type: media_type.into(),
            width: None,
            height: None,
            duration_ms: None,
        }
    }

    /// The same reference with an image's pixel size.
    ///
    /// ```
    /// use fivergo_core::BlobRef;
    /// let r = BlobRef::of(b"not really a png", "image/png").with_size(1024, 768);
    /// assert_eq!((r.width, r.height), (Some(1024), Some(768)));
    /// assert_eq!(serde_json::to_value(&r).unwrap()["width"], 1024);
    /// ```
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        (self.width, self.height) = (Some(width), Some(height));
        self
    }

    /// The same reference with a recording's duration.
    ///
    /// ```
    /// use fivergo_core::BlobRef;
    /// let r = BlobRef::of(b"not really a wav", "audio/wav").with_duration(30_000);
    /// assert_eq!(r.duration_ms, Some(30_000));
    /// assert!(serde_json::to_value(&r).unwrap().get("width").is_none()); // unknown sizes are left out
    /// ```
    pub fn with_duration(mut self, duration_ms: u64) -> Self {
        self.duration_ms = Some(duration_ms);
        self
    }
}

/// Where file bytes live, by SHA-256. Implementations must be safe to share between
/// threads and, for persistent ones, between processes: a blob is written whole or
/// not at all, and writing the same blob twice is harmless.
///
/// ```
/// use fivergo_core::blob::{BlobStore, DirBlobStore};
/// let dir = std::env::temp_dir().join(format!("fivergo-doc-blobs-{}", std::process::id()));
/// let blobs = DirBlobStore::open(&dir).unwrap();
/// let r = blobs.store(b"koi", "text/plain").unwrap();
/// assert_eq!(DirBlobStore::open(&dir).unwrap().fetch(&r).unwrap().as_bytes(), b"koi");
/// # std::fs::remove_dir_all(&dir).ok();
/// ```
pub trait BlobStore: Send + Sync {
    /// Stores `bytes` under `sha256` (their hash, computed by the caller).
    ///
    /// ```
    /// use fivergo_core::{BlobRef, BlobStore, MemoryBlobStore};
    /// let blobs = MemoryBlobStore::default();
    /// let r = BlobRef::of(b"koi", "text/plain");
    /// blobs.put(&r.sha256, b"koi").unwrap();
    /// blobs.put(&r.sha256, b"koi").unwrap(); // writing the same blob twice is harmless
    /// assert_eq!(blobs.len(), 1);
    /// ```
    fn put(&self, sha256: &str, bytes: &[u8]) -> Result<(), Error>;

    /// The bytes stored under `sha256`, or `None`.
    ///
    /// ```
    /// use fivergo_core::{BlobStore, MemoryBlobStore};
    /// let blobs = MemoryBlobStore::default();
    /// let r = blobs.store(b"koi", "text/plain").unwrap();
    /// assert_eq!(blobs.get(&r.sha256).unwrap().unwrap().as_bytes(), b"koi");
    /// assert!(blobs.get(&"0".repeat(64)).unwrap().is_none());
    /// ```
    fn get(&self, sha256: &str) -> Result<Option<Blob>, Error>;

    /// Stores `bytes` as `media_type` and returns their reference.
    ///
    /// ```
    /// use fivergo_core::{BlobRef, BlobStore, MemoryBlobStore};
    /// let blobs = MemoryBlobStore::default();
    /// let r = blobs.store(b"short and dry", "text/plain").unwrap();
    /// assert_eq!(r, BlobRef::of(b"short and dry", "text/plain"));
    /// assert_eq!(blobs.bytes(), 13);
    /// ```
    fn store(&self, bytes: &[u8], media_type: &str) -> Result<BlobRef, Error> {
        let r = BlobRef::of(bytes, media_type);
        self.put(&r.sha256, bytes)?;
        Ok(r)
    }

    /// The bytes of `reference`, or `blob_not_found`.
    ///
    /// ```
    /// use fivergo_core::{BlobRef, BlobStore, MemoryBlobStore};
    /// let blobs = MemoryBlobStore::default();
    /// let r = blobs.store(b"koi", "text/plain").unwrap();
    /// assert_eq!(blobs.fetch(&r).unwrap().as_bytes(), b"koi");
    /// let never = BlobRef::of(b"never stored", "text/plain");
    /// assert_eq!(blobs.fetch(&never).unwrap_err().code(), "blob_not_found");
    /// ```
    fn fetch(&self, reference: &BlobRef) -> Result<Blob, Error> {
        self.get(&reference.sha256)?
            .ok_or_else(|| Error::BlobNotFound {
                sha256: reference.sha256.clone(),
            })
    }
}

/// Blobs in memory: the default for tests and demos.
///
/// ```
/// use fivergo_core::blob::{BlobStore, MemoryBlobStore};
/// let blobs = MemoryBlobStore::default();
/// let r = blobs.store(b"x", "text/plain").unwrap();
/// assert_eq!((blobs.len(), blobs.bytes()), (1, 1));
/// assert!(blobs.get(&r.sha256).unwrap().is_some());
/// ```
#[derive(Debug, Default, Clone)]
pub struct MemoryBlobStore {
    blobs: Arc<Mutex<HashMap<String, Blob>>>,
}

impl MemoryBlobStore {
    /// How many blobs are held.
    ///
    /// ```
    /// use fivergo_core::{BlobStore, MemoryBlobStore};
    /// let blobs = MemoryBlobStore::default();
    /// blobs.store(b"one", "text/plain").unwrap();
    /// blobs.store(b"two", "text/plain").unwrap();
    /// blobs.store(b"one", "text/plain").unwrap(); // same bytes, same blob
    /// assert_eq!(blobs.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no blob is held.
    ///
    /// ```
    /// use fivergo_core::{BlobStore, MemoryBlobStore};
    /// let blobs = MemoryBlobStore::default();
    /// assert!(blobs.is_empty());
    /// blobs.store(b"x", "text/plain").unwrap();
    /// assert!(!blobs.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// The bytes held, in total.
    ///
    /// ```
    /// use fivergo_core::{BlobStore, MemoryBlobStore};
    /// let blobs = MemoryBlobStore::default();
    /// blobs.store(b"four", "text/plain").unwrap();
    /// blobs.store(b"three", "text/plain").unwrap();
    /// assert_eq!(blobs.bytes(), 9);
    /// ```
    pub fn bytes(&self) -> u64 {
        self.lock()
            .values()
            .map(|b| b.as_bytes().len() as u64)
            .sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Blob>> {
        self.blobs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl BlobStore for MemoryBlobStore {
    fn put(&self, sha256: &str, bytes: &[u8]) -> Result<(), Error> {
        self.lock()
            .entry(sha256.to_owned())
            .or_insert_with(|| Blob::from(bytes));
        Ok(())
    }

    fn get(&self, sha256: &str) -> Result<Option<Blob>, Error> {
        Ok(self.lock().get(sha256).cloned())
    }
}

/// A content-addressed directory: `<root>/ab/cdef…` for the blob whose SHA-256 starts
/// `abcdef`. Writes go to a temporary file first and are renamed into place, so a
/// crash never leaves a partial blob and several processes may share the directory.
/// The default next to a SQLite store (`fivergo.db` keeps its files in
/// `fivergo.db.blobs/`).
///
/// ```
/// use fivergo_core::{BlobStore, DirBlobStore};
/// let dir = std::env::temp_dir().join(format!("fivergo-doc-dirblobs-{}", std::process::id()));
/// let blobs = DirBlobStore::open(&dir).unwrap();
/// let r = blobs.store(b"abc", "text/plain").unwrap();
/// assert!(dir.join("ba").join(&r.sha256[2..]).is_file()); // <root>/ba/7816bf…
/// assert_eq!(blobs.get("../etc/passwd").unwrap_err().code(), "invalid_input");
/// # std::fs::remove_dir_all(&dir).ok();
/// ```
#[derive(Debug, Clone)]
pub struct DirBlobStore {
    root: PathBuf,
}

impl DirBlobStore {
    /// Opens (creating it when missing) the directory `root`.
    ///
    /// ```
    /// use fivergo_core::{BlobStore, DirBlobStore};
    /// let dir = std::env::temp_dir().join(format!("fivergo-doc-dirblobs-open-{}", std::process::id()));
    /// let first = DirBlobStore::open(dir.join("nested/blobs")).unwrap(); // created when missing
    /// let r = first.store(b"koi", "text/plain").unwrap();
    /// let second = DirBlobStore::open(dir.join("nested/blobs")).unwrap(); // another process, say
    /// assert_eq!(second.fetch(&r).unwrap().as_bytes(), b"koi");
    /// # std::fs::remove_dir_all(&dir).ok();
    /// ```
    pub fn open(root: impl AsRef<Path>) -> Result<Self, Error> {
        let root = root.as_ref().to_path_buf();
        std::fs::create_dir_all(&root)
            .map_err(|e| io_error("create the blob directory", &root, e))?;
        Ok(Self { root })
    }

    /// The directory.
    ///
    /// ```
    /// use fivergo_core::DirBlobStore;
    /// let dir = std::env::temp_dir().join(format!("fivergo-doc-dirblobs-root-{}", std::process::id()));
    /// assert_eq!(DirBlobStore::open(&dir).unwrap().root(), dir.as_path());
    /// # std::fs::remove_dir_all(&dir).ok();
    /// ```
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, sha256: &str) -> Result<PathBuf, Error> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::invalid("sha256", "must be 64 hexadecimal digits"));
        }
        Ok(self.root.join(&sha256[..2]).join(&sha256[2..]))
    }
}

impl BlobStore for DirBlobStore {
    fn put(&self, sha256: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = self.path(sha256)?;
        if path.exists() {
            return Ok(());
        }
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(|e| io_error("create a blob folder", dir, e))?;
        let tmp = dir.join(format!(".{}.{}.tmp", &sha256[2..], unique_suffix()));
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        };
        write().map_err(|e| {
            std::fs::remove_file(&tmp).ok();
            io_error("write a blob", &path, e)
        })
    }

    fn get(&self, sha256: &str) -> Result<Option<Blob>, Error> {
        let path = self.path(sha256)?;
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(Blob::from(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error("read a blob", &path, e)),
        }
    }
}

fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn io_error(operation: &str, path: &Path, e: std::io::Error) -> Error {
    Error::StoreFailed {
        operation: operation.into(),
        reason: format!("{}: {e}", path.display()),
    }
}

/// Serde for byte buffers as standard base64 strings (compact in JSON); reading also
/// accepts a plain array of numbers, the form older snapshots used for pixels.
pub(crate) mod base64_bytes {
    use base64::Engine;
    use serde::de::{Deserializer, Error, SeqAccess, Visitor};
    use serde::Serializer;

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<u8>, D::Error> {
        struct Bytes;
        impl<'de> Visitor<'de> for Bytes {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a base64 string or an array of bytes")
            }
            fn visit_str<E: Error>(self, text: &str) -> Result<Vec<u8>, E> {
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .map_err(E::custom)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_any(Bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dir_store_is_content_addressed_and_idempotent() {
        let dir = std::env::temp_dir().join(format!("fivergo-blob-test-{}", std::process::id()));
        let blobs = DirBlobStore::open(&dir).unwrap();
        let a = blobs.store(b"one", "text/plain").unwrap();
        let again = blobs.store(b"one", "text/plain").unwrap();
        assert_eq!(a, again);
        assert!(dir.join(&a.sha256[..2]).join(&a.sha256[2..]).is_file());
        assert_eq!(blobs.get(&"0".repeat(64)).unwrap(), None);
        assert_eq!(
            blobs.get("../etc/passwd").unwrap_err().code(),
            "invalid_input"
        );
        let missing = BlobRef::of(b"never stored", "text/plain");
        assert_eq!(blobs.fetch(&missing).unwrap_err().code(), "blob_not_found");
        std::fs::remove_dir_all(&dir).ok();
    }
}
