//! What the cross-crate tests share: the PostgreSQL server of the test run.

/// The URL of a fresh, empty schema `name` on the test run's PostgreSQL
/// (`FIVERGO_TEST_PG_URL`, which `scripts/test.sh` sets after starting a server).
/// Without a server the test fails and says why: it never skips.
pub fn pg_url(name: &str) -> String {
    let base = std::env::var("FIVERGO_TEST_PG_URL").unwrap_or_else(|_| {
        panic!(
            "FIVERGO_TEST_PG_URL is not set: the PostgreSQL tests need a server. Run them through \
             `bash scripts/test.sh`, which starts one, or point FIVERGO_TEST_PG_URL at a database \
             this user may create schemas in"
        )
    });
    let mut slug: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    slug.truncate(40);
    let schema = format!("t_{slug}_{}", std::process::id());
    let mut admin = postgres::Client::connect(&base, postgres::NoTls).unwrap_or_else(|e| {
        panic!("cannot reach the test PostgreSQL at FIVERGO_TEST_PG_URL={base}: {e}")
    });
    admin
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .unwrap_or_else(|e| panic!("cannot reset schema {schema}: {e}"));
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}schema={schema}")
}

/// A test's own directory under the system temp folder, `fivergo-{name}-{pid}`:
/// emptied when made, removed with everything in it when dropped (also when the
/// test fails), so test runs leave nothing behind.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("fivergo-{name}-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot make {}: {e}", dir.display()));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}
