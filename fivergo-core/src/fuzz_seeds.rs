//! Writes the seed corpora of the fuzz targets (`fuzz/seeds/<target>/`) from real
//! files: the photo corpus (downscaled, re-encoded as PNG, JPEG and WebP of several
//! colour types), WAVs of every sample format, the default policy and the
//! conformance scenarios' policies, an event log and a snapshot of a seller's
//! partition (the conformance-scenario target reads `tests/conformance/` itself).
//! Run it after changing the
//! formats: `cargo test -p fivergo-core --lib write_fuzz_seeds -- --ignored`.

use crate::media::audio::encode_wav;
use crate::media::image::{decode, encode_png};
use crate::media::test_files::png_chunk;
use crate::media::MediaLimits;
use crate::store::Cursor;
use crate::*;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = repo().join("fuzz").join("seeds").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn resized(img: &Image, w: u32, h: u32) -> ::image::RgbaImage {
    let buf = ::image::RgbaImage::from_raw(img.width, img.height, img.rgba.clone()).unwrap();
    ::image::imageops::resize(&buf, w, h, ::image::imageops::FilterType::Triangle)
}

fn encoded(img: &::image::DynamicImage, format: ::image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn image_seeds() -> Vec<(String, Vec<u8>)> {
    use ::image::{DynamicImage, ImageFormat};
    let mut seeds = Vec::new();
    for name in ["text", "coins", "astronaut", "hubble"] {
        let jpg = std::fs::read(repo().join("tests/corpus").join(format!("{name}.jpg"))).unwrap();
        let img = decode(&jpg, &MediaLimits::default()).unwrap();
        let small = DynamicImage::ImageRgba8(resized(&img, 48, 40));
        seeds.push((
            format!("{name}-48x40.jpg"),
            encoded(&DynamicImage::ImageRgb8(small.to_rgb8()), ImageFormat::Jpeg),
        ));
        seeds.push((
            format!("{name}-48x40.png"),
            encoded(&small, ImageFormat::Png),
        ));
        seeds.push((
            format!("{name}-48x40.webp"),
            encoded(&small, ImageFormat::WebP),
        ));
        seeds.push((
            format!("{name}-grey16.png"),
            encoded(
                &DynamicImage::ImageLuma16(small.to_luma16()),
                ImageFormat::Png,
            ),
        ));
        seeds.push((
            format!("{name}-greyalpha.png"),
            encoded(
                &DynamicImage::ImageLumaA8(small.to_luma_alpha8()),
                ImageFormat::Png,
            ),
        ));
    }
    // Ancillary chunks the decoder skips or counts: text, a colour profile, EXIF.
    let mut png = encode_png(&Image::filled(16, 16, [200, 40, 40, 255])).unwrap();
    let iend = png.len() - 12;
    let mut extra = Vec::new();
    png_chunk(&mut extra, b"tEXt", b"Comment\0fuzz seed");
    png_chunk(
        &mut extra,
        b"iCCP",
        &[
            b"icc\0\0".as_slice(),
            &crate::media::test_files::zlib_zeros(512),
        ]
        .concat(),
    );
    png_chunk(
        &mut extra,
        b"eXIf",
        b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0",
    );
    png.splice(33..33, extra);
    let _ = iend;
    seeds.push(("chunks.png".into(), png));
    seeds
}

fn wav_seeds() -> Vec<(String, Vec<u8>)> {
    let tone = |rate: u32, channels: u16, seconds: f32| Audio {
        sample_rate: rate,
        channels,
        samples: (0..(rate as f32 * seconds) as usize * usize::from(channels))
            .map(|i| ((i as f32 * 0.05).sin() * 9000.0) as i16)
            .collect(),
    };
    let mut seeds = vec![
        (
            "mono16-8k.wav".to_string(),
            encode_wav(&tone(8_000, 1, 0.5)).unwrap(),
        ),
        (
            "stereo16-16k.wav".to_string(),
            encode_wav(&tone(16_000, 2, 0.25)).unwrap(),
        ),
    ];
    for (bits, format, name) in [
        (8, hound::SampleFormat::Int, "pcm8"),
        (24, hound::SampleFormat::Int, "pcm24"),
        (32, hound::SampleFormat::Float, "float32"),
    ] {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 22_050,
            bits_per_sample: bits,
            sample_format: format,
        };
        let mut out = std::io::Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut out, spec).unwrap();
        for i in 0..2_000 {
            let v = (i as f32 * 0.07).sin();
            match (format, bits) {
                (hound::SampleFormat::Float, _) => w.write_sample(v * 0.5).unwrap(),
                (_, 8) => w.write_sample((v * 100.0) as i8).unwrap(),
                _ => w.write_sample((v * 4_000_000.0) as i32).unwrap(),
            }
        }
        w.finalize().unwrap();
        seeds.push((format!("{name}.wav"), out.into_inner()));
    }
    seeds
}

fn scenarios() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(repo().join("tests/conformance"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

/// A seller's life through the hub: what the partition-replay seeds record.
fn partition_seeds() -> Vec<(String, String)> {
    let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    hub.add_gig("ana", "tattoo").unwrap();
    hub.credit_balance("ana", Money::parse("100.00", Currency::Usd).unwrap())
        .unwrap();
    hub.add_payment_method(
        "ana",
        PaymentMethod::new("card-1", PaymentMethodKind::Card, "Visa"),
    )
    .unwrap();
    let model = hub.create_model("ana", "tattoo").unwrap().value;
    let meta = AssetMeta {
        width: Some(1024),
        height: Some(1024),
        ..AssetMeta::default()
    };
    let asset = hub
        .add_asset("ana", AssetSource::Portfolio, Modality::Image, meta, &[])
        .unwrap()
        .value;
    hub.select_assets("ana", &model, &[asset]).unwrap();
    hub.attest_originality("ana", &model).unwrap();
    let _ = hub.start_training("ana", &model);
    let _ = hub.subscribe("ana", &PaymentMethodId::from("card-1"));
    clock.advance(chrono::Duration::days(40)).unwrap();
    let _ = hub.tick();
    let events: Vec<Event> = hub
        .events_since(Cursor(0), 1000)
        .unwrap()
        .events
        .into_iter()
        .map(|r| r.event)
        .collect();
    let snapshot = hub.admin().partition("ana").unwrap();
    let half = events.len() / 2;
    vec![
        (
            "events.json".into(),
            serde_json::to_string_pretty(&events).unwrap(),
        ),
        (
            "snapshot.json".into(),
            serde_json::to_string(&serde_json::json!({ "snapshot": snapshot, "events": [] }))
                .unwrap(),
        ),
        (
            "snapshot_then_events.json".into(),
            serde_json::to_string(&serde_json::json!({
                "snapshot": Partition::replay(SellerId::from("ana"), &events[..half]),
                "events": &events[half..],
            }))
            .unwrap(),
        ),
    ]
}

#[test]
#[ignore = "writes fuzz/seeds; run by hand after a format change"]
fn write_fuzz_seeds() {
    let _ = std::fs::remove_dir_all(repo().join("fuzz").join("seeds"));
    for (name, bytes) in image_seeds() {
        for target in [
            "image_header",
            "image_decode",
            "image_inspect",
            "image_watermark",
        ] {
            write(target, &name, &bytes);
        }
    }
    // The header walk also gets the corpus photographs whole.
    for name in ["text", "hopper"] {
        write(
            "image_header",
            &format!("{name}.jpg"),
            &std::fs::read(repo().join("tests/corpus").join(format!("{name}.jpg"))).unwrap(),
        );
    }
    for (name, bytes) in wav_seeds() {
        for target in ["wav_decode", "audio_inspect", "audio_watermark"] {
            write(target, &name, &bytes);
        }
    }
    write(
        "policy_json",
        "default.json",
        Policy::default().to_json().as_bytes(),
    );
    for (name, text) in scenarios() {
        let scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
        if let Some(p) = scenario.get("policy") {
            write("policy_json", &name, p.to_string().as_bytes());
        }
    }
    for (name, text) in partition_seeds() {
        write("partition_replay", &name, text.as_bytes());
    }
}
