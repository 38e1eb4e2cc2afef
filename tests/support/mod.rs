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
