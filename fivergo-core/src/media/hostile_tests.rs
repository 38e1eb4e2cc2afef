//! Hostile uploads (SPEC A3): the worst input of each format the default Policy
//! accepts, and the bombs it must refuse, each inspected in a child process whose
//! peak memory (VmHWM) is read and bounded. Time is printed, never asserted
//! (RELIABILITY.md records it): `cargo test --release -p fivergo-core hostile --
//! --nocapture`.

use crate::media::inspect;
use crate::media::test_files::*;
use crate::policy::Policy;
use std::io::Write;
use std::process::Command;
use std::time::Instant;

/// The child reads the case name and its input file from these.
const CASE_ENV: &str = "FIVERGO_HOSTILE_CASE";
const FILE_ENV: &str = "FIVERGO_HOSTILE_FILE";
/// Every accepted or refused upload stays under this peak at the default Policy
/// (the bound), test harness and input bytes included.
const PEAK_BOUND_KIB: u64 = 256 * 1024;

/// A hostile case: its name, how to make it, and the error code the default Policy
/// refuses it with (`None`: accepted, the worst of its format that is).
struct Case {
    name: &'static str,
    make: fn() -> Vec<u8>,
    refused: Option<&'static str>,
}

/// `seconds` of a loud 150 Hz sawtooth, 16-bit mono at 48 kHz: every pitch frame is
/// voiced, so the whole analysis runs (silence would skip most of it).
fn voiced_16bit_48k(seconds: u32) -> Vec<u8> {
    let n = 48_000 * seconds as usize;
    let mut data = Vec::with_capacity(n * 2);
    for i in 0..n {
        let phase = (i % 320) as f32 / 320.0;
        data.extend((((phase - 0.5) * 30_000.0) as i16).to_le_bytes());
    }
    wav_raw(1, 48_000, 16, data.len() as u32, &data)
}

fn eight_channels_8bit_8k(seconds: u32) -> Vec<u8> {
    let data = vec![128u8; 8_000 * seconds as usize * 8];
    wav_raw(8, 8_000, 8, data.len() as u32, &data)
}

fn cases() -> Vec<Case> {
    let case = |name, make, refused| Case {
        name,
        make,
        refused,
    };
    vec![
        // The bombs, as measured before the limits.
        case(
            "png_bomb_6000x6000",
            || png_zeros(6000, 6000, 8, 6, &[]),
            Some("media_too_large"),
        ),
        case(
            "png_iccp_1gib",
            || {
                let mut iccp = b"bomb\0\0".to_vec();
                iccp.extend(zlib_zeros(1 << 30));
                png_zeros(16, 16, 8, 2, &[(b"iCCP", iccp)])
            },
            None,
        ),
        case(
            "png_text_50mib",
            || {
                let mut text = b"Comment\0".to_vec();
                text.resize(50 << 20, b'a');
                png_zeros(16, 16, 8, 2, &[(b"tEXt", text)])
            },
            Some("media_too_large"),
        ),
        case(
            "png_16bit_6000x6600",
            || png_zeros(6000, 6600, 16, 2, &[]),
            Some("media_too_large"),
        ),
        case(
            "jpeg_claims_6000x6000",
            || jpeg_claiming(6000, 6000),
            Some("media_too_large"),
        ),
        case(
            "webp_lossless_6000x6000",
            || webp_solid(6000, 6000),
            Some("media_too_large"),
        ),
        case(
            "wav_claims_4gb",
            || wav_raw(2, 48_000, 16, u32::MAX - 100, &[0; 4096]),
            Some("asset_unreadable"),
        ),
        case(
            "wav_0_channels",
            || wav_raw(0, 48_000, 16, 4096, &[0; 4096]),
            Some("asset_unreadable"),
        ),
        case(
            "wav_64_channels",
            || wav_raw(64, 48_000, 16, 4096, &[0; 4096]),
            Some("media_too_large"),
        ),
        case(
            "wav_65535_channels",
            || wav_raw(65_535, 48_000, 16, 4096, &[0; 4096]),
            Some("asset_unreadable"),
        ),
        case(
            "wav_1hz_600s",
            || wav_raw(1, 1, 8, 600, &[128; 600]),
            Some("sample_rate_out_of_range"),
        ),
        case(
            "wav_192khz_10min_claimed",
            || wav_raw(1, 192_000, 16, 192_000 * 600 * 2, &[0; 4096]),
            Some("media_too_large"),
        ),
        case(
            "wav_64mib_16bit_mono",
            || {
                let data = vec![0u8; (64 << 20) - 64];
                wav_raw(1, 48_000, 16, data.len() as u32, &data)
            },
            Some("media_too_large"),
        ),
        // The worst each format may cost at the default limits: accepted.
        case(
            "png_rgba_6000x4000",
            || png_zeros(6000, 4000, 8, 6, &[]),
            None,
        ),
        case(
            "png_16bit_rgba_6000x4000",
            || png_zeros(6000, 4000, 16, 6, &[]),
            None,
        ),
        case(
            "png_grey_6000x4000_4mib_text",
            || {
                let mut text = b"Comment\0".to_vec();
                text.resize(4 << 20, b'a');
                png_zeros(6000, 4000, 8, 0, &[(b"tEXt", text)])
            },
            None,
        ),
        case("jpeg_claims_6000x4000", || jpeg_claiming(6000, 4000), None),
        case(
            "jpeg_progressive_claims_3600x3600",
            || progressive_jpeg_claiming(3600, 3600),
            None,
        ),
        case(
            "jpeg_progressive_claims_6000x4000",
            || progressive_jpeg_claiming(6000, 4000),
            Some("media_too_large"),
        ),
        case("webp_lossless_4000x4000", || webp_solid(4000, 4000), None),
        case(
            "wav_16bit_mono_48khz_5min_voiced",
            || voiced_16bit_48k(300),
            None,
        ),
        case(
            "wav_16bit_mono_48khz_10min",
            || voiced_16bit_48k(600),
            Some("media_too_large"),
        ),
        case(
            "wav_8bit_8ch_8khz_5min",
            || eight_channels_8bit_8k(300),
            None,
        ),
    ]
}

// ---------------------------------------------------------------- the child

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time of this process so far (user + system), in ms: less sensitive than wall
/// time to other work on a shared machine. Linux reports it in ticks of 10 ms.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

/// Not a test of its own: the parent runs the test binary again with only this
/// test and a case in the environment; without one it returns at once.
#[test]
fn hostile_child() {
    let (Ok(name), Ok(file)) = (std::env::var(CASE_ENV), std::env::var(FILE_ENV)) else {
        return;
    };
    let bytes = std::fs::read(&file).unwrap();
    let policy = match std::env::var("FIVERGO_HOSTILE_POLICY") {
        Ok(json) => Policy::from_json(&json).unwrap(),
        Err(_) => Policy::default(),
    };
    let (t, cpu) = (Instant::now(), cpu_ms());
    let result = inspect(&bytes, &policy);
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    let cpu = cpu_ms() - cpu;
    let peak = peak_kib();
    // The decoding share of the time, measured after the peak was read.
    let t = Instant::now();
    let _ = crate::media::decode(&bytes, &policy.media.limits);
    let decode_ms = t.elapsed().as_secs_f64() * 1000.0;
    let outcome = match &result {
        Ok(_) => "accepted".to_string(),
        Err(e) => e.code().to_string(),
    };
    println!("HOSTILE {name} {ms:.0} {peak} {outcome} {decode_ms:.0} {cpu:.0}");
}

struct Measured {
    ms: f64,
    decode_ms: f64,
    cpu_ms: f64,
    peak_kib: u64,
    outcome: String,
}

fn run_child(name: &str, bytes: &[u8]) -> Measured {
    let path = std::env::temp_dir().join(format!("fivergo-hostile-{}-{name}", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(bytes))
        .unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "media::hostile_tests::hostile_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CASE_ENV, name)
        .env(FILE_ENV, &path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("HOSTILE ").map(|(_, r)| r))
        .unwrap_or_else(|| {
            panic!(
                "the child for {name} printed no result: {stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let f: Vec<&str> = line.split_whitespace().collect();
    Measured {
        ms: f[1].parse().unwrap(),
        peak_kib: f[2].parse().unwrap(),
        outcome: f[3].to_string(),
        decode_ms: f[4].parse().unwrap(),
        cpu_ms: f[5].parse().unwrap(),
    }
}

/// R: A3. Every case is inspected in a child process: the bombs are refused with
/// their typed error, the worst accepted file of each format (PNG, JPEG, WebP, WAV)
/// is accepted, and each stays under the memory bound, harness and input included.
/// `FIVERGO_HOSTILE_ONLY=name` runs one case.
#[test]
fn hostile_uploads_stay_within_memory_bounds() {
    // R: A3
    let only = std::env::var("FIVERGO_HOSTILE_ONLY").ok();
    let mut failures = Vec::new();
    for case in cases()
        .into_iter()
        .filter(|c| only.as_deref().is_none_or(|o| o == c.name))
    {
        let bytes = (case.make)();
        let m = run_child(case.name, &bytes);
        println!(
            "{:36} {:>9} B  {:>6.0} ms (CPU {:>5.0} ms, decode {:>5.0} ms)  {:>7} KiB peak  {}",
            case.name,
            bytes.len(),
            m.ms,
            m.cpu_ms,
            m.decode_ms,
            m.peak_kib,
            m.outcome
        );
        let expected = case.refused.unwrap_or("accepted");
        if m.outcome != expected {
            failures.push(format!(
                "{}: {} instead of {expected}",
                case.name, m.outcome
            ));
        }
        if m.peak_kib > PEAK_BOUND_KIB {
            failures.push(format!(
                "{}: peak {} KiB over {PEAK_BOUND_KIB} KiB",
                case.name, m.peak_kib
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
