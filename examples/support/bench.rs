//! What the scale, simulate and throughput examples share: a seller's model taken
//! to a price, a cheap picture generator, a blob store that counts the pictures it
//! is given, a seeded picker and memory readings.
#![allow(dead_code)] // each example uses its own part

use fivergo::*;

/// A new model of `seller` (who has a Gig in tattoo) with an asset, a succeeded
/// training, a playground picture and a price of 20 a picture: ready to publish once
/// the seller subscribes.
pub fn priced_model(hub: &Hub, seller: &str) -> Result<ModelId, Refused> {
    let m = hub.create_model(seller, "tattoo")?.value;
    let a = hub
        .add_asset(
            seller,
            AssetSource::Upload,
            Modality::Image,
            AssetMeta::image(1024, 1024),
            &[],
        )?
        .value;
    hub.select_assets(seller, &m, &[a])?;
    hub.attest_originality(seller, &m)?;
    let job = hub.start_training(seller, &m)?.value;
    hub.run_training(&job)?;
    hub.playground_generate(seller, &m, Brief::new("warm-up"), 1)?;
    let unit_price = Money::parse("20", hub.policy().currency).expect("a literal amount");
    hub.set_price(
        seller,
        &m,
        PriceSpec::PerUnit {
            unit: PricingUnit::Item,
            unit_price,
        },
    )?;
    Ok(m)
}

/// A cheap deterministic picture generator, so the bench measures the engine.
pub struct Tiny;

impl Generator for Tiny {
    fn name(&self) -> &str {
        "tiny"
    }
    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        EchoGenerator.train(input, ctl)
    }
    fn generate(
        &self,
        _: &TrainedStyle,
        _: &Brief,
        seed: u64,
        _: &mut JobControl<'_>,
    ) -> Result<Artifact, Error> {
        // A smooth gradient shifted by the seed: small files, like real flat art.
        let mut img = Image::filled(64, 64, [0, 0, 0, 255]);
        for (i, px) in img.rgba.chunks_mut(4).enumerate() {
            let (x, y) = ((i % 64) as u64, (i / 64) as u64);
            px[..3].copy_from_slice(&[
                (x * 4 + seed) as u8,
                (y * 4) as u8,
                ((x + y) * 2 + seed / 7) as u8,
            ]);
        }
        Ok(Artifact::Image(img))
    }
}

/// Keeps files up to 4 KB (styles) and the most recent pictures (a client
/// downloads right after paying); counts the bytes of every picture.
#[derive(Default)]
pub struct Counting {
    kept: std::sync::Mutex<std::collections::HashMap<String, Blob>>,
    recent: std::sync::Mutex<(
        std::collections::VecDeque<String>,
        std::collections::HashMap<String, Blob>,
    )>,
    counted: std::sync::atomic::AtomicU64,
    seen: std::sync::Mutex<std::collections::HashSet<u64>>,
}

/// How many recent pictures a `Counting` store keeps.
const RECENT: usize = 4096;

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl BlobStore for Counting {
    fn put(&self, sha256: &str, bytes: &[u8]) -> Result<(), Error> {
        if bytes.len() <= 4096 {
            lock(&self.kept).insert(sha256.to_owned(), Blob::from(bytes));
            return Ok(());
        }
        if lock(&self.seen).insert(u64::from_str_radix(&sha256[..16], 16).unwrap_or(0)) {
            self.counted
                .fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
        }
        let mut recent = lock(&self.recent);
        let (order, files) = &mut *recent;
        if files.insert(sha256.to_owned(), Blob::from(bytes)).is_none() {
            order.push_back(sha256.to_owned());
            if order.len() > RECENT {
                if let Some(old) = order.pop_front() {
                    files.remove(&old);
                }
            }
        }
        Ok(())
    }
    fn get(&self, sha256: &str) -> Result<Option<Blob>, Error> {
        if let Some(b) = lock(&self.kept).get(sha256) {
            return Ok(Some(b.clone()));
        }
        Ok(lock(&self.recent).1.get(sha256).cloned())
    }
}

impl Counting {
    /// Bytes of every file given, styles and pictures.
    pub fn bytes(&self) -> u64 {
        self.kept() + self.counted.load(std::sync::atomic::Ordering::Relaxed)
    }
    /// Bytes of the small files kept for good (styles).
    pub fn kept(&self) -> u64 {
        lock(&self.kept)
            .values()
            .map(|b| b.as_bytes().len() as u64)
            .sum()
    }
}

/// Resident memory of this process now, in bytes.
pub fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// A small seeded index generator (xorshift), so runs are repeatable.
pub struct Pick(pub u64);

impl Pick {
    pub fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Peak resident memory of this process so far (VmHWM), in bytes.
pub fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    kb * 1024
}

/// Bytes the PostgreSQL schema of `url` takes on disk: tables, indexes and TOAST.
pub fn pg_bytes(url: &str) -> Result<i64, Box<dyn std::error::Error>> {
    let settings = store::postgres::PostgresSettings::parse(url)?;
    let mut admin = postgres::Client::connect(&settings.url, postgres::NoTls)?;
    let size: i64 = admin
        .query_one(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = $1 AND c.relkind = 'r'",
            &[&settings.schema],
        )?
        .get(0);
    Ok(size)
}
