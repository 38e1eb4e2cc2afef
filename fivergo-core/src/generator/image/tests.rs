//! Tests on seller styles the tests draw themselves: black line art on white, and
//! warm colourful soft blobs with painterly noise.

use super::learn::StyleData;
use super::quilt::{edge_map, edge_term, min_path};
use super::recolour::lab_to_srgb;
use super::*;
use crate::asset::{Asset, AssetMeta, AssetSource};
use crate::catalogue::{Catalogue, Modality};
use crate::generator::{CancelToken, TrainingAsset};
use crate::media::image::plane::srgb_to_lab;
use crate::media::image::{encode_png, inspect_image, measure, ImageChecks};
use crate::media::MediaLimits;
use crate::policy::Policy;

// ---------------------------------------------------------------- drawn styles

fn from_fn(w: u32, h: u32, mut f: impl FnMut(u32, u32) -> [f32; 3]) -> Image {
    let mut rgba = Vec::with_capacity(w as usize * h as usize * 4);
    for y in 0..h {
        for x in 0..w {
            rgba.extend(
                f(x, y)
                    .iter()
                    .map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8),
            );
            rgba.push(255);
        }
    }
    Image {
        width: w,
        height: h,
        rgba,
    }
}

/// Style A: thick black strokes (rings and waves) on white paper.
fn line_art(seed: u64, size: u32) -> Image {
    let mut rng = SplitMix(seed);
    let s = size as f32;
    let thick = s / 40.0;
    let rings: Vec<[f32; 3]> = (0..5)
        .map(|_| {
            [
                s * rng.next_f32(),
                s * rng.next_f32(),
                s * (0.06 + 0.2 * rng.next_f32()),
            ]
        })
        .collect();
    let waves: Vec<[f32; 3]> = (0..3)
        .map(|_| {
            [
                s * (0.15 + 0.7 * rng.next_f32()),
                s * (0.03 + 0.06 * rng.next_f32()),
                4.0 + 8.0 * rng.next_f32(),
            ]
        })
        .collect();
    from_fn(size, size, |x, y| {
        let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
        let ring = rings
            .iter()
            .map(|r| ((fx - r[0]).hypot(fy - r[1]) - r[2]).abs());
        let wave = waves
            .iter()
            .map(|w| (fy - w[0] - w[1] * (fx / s * w[2]).sin()).abs());
        let d = ring.chain(wave).fold(f32::MAX, f32::min);
        let ink = (thick / 2.0 + 0.5 - d).clamp(0.0, 1.0);
        [1.0 - ink; 3]
    })
}

/// Style B: warm, saturated soft blobs over an orange-to-magenta wash, with
/// painterly grain.
fn blobs(seed: u64, size: u32) -> Image {
    let mut rng = SplitMix(seed ^ 0xB10B);
    let s = size as f32;
    let warm = [
        [0.95, 0.45, 0.1],
        [0.85, 0.15, 0.45],
        [0.98, 0.8, 0.2],
        [0.7, 0.1, 0.15],
    ];
    let spots: Vec<([f32; 3], [f32; 3])> = (0..9)
        .map(|_| {
            (
                [
                    s * rng.next_f32(),
                    s * rng.next_f32(),
                    s * (0.05 + 0.12 * rng.next_f32()),
                ],
                warm[(rng.next_u64() % 4) as usize],
            )
        })
        .collect();
    let mut grain = SplitMix(seed);
    from_fn(size, size, |x, y| {
        let t = (x + y) as f32 / (2.0 * s);
        let mut c = [0.9 - 0.1 * t, 0.5 - 0.3 * t, 0.2 + 0.3 * t];
        for (p, col) in &spots {
            let k = (-((x as f32 - p[0]).powi(2) + (y as f32 - p[1]).powi(2))
                / (2.0 * p[2] * p[2]))
                .exp();
            for i in 0..3 {
                c[i] += k * (col[i] - c[i]);
            }
        }
        let g = 0.08 * (grain.next_f32() - 0.5);
        c.map(|v| v + g)
    })
}

/// A seller's set: the files and the asset records training reads.
struct Set {
    assets: Vec<Asset>,
    files: Vec<Option<Vec<u8>>>,
}

impl Set {
    fn new(images: impl IntoIterator<Item = (Image, &'static str)>) -> Self {
        let (mut assets, mut files) = (Vec::new(), Vec::new());
        for (i, (img, tag)) in images.into_iter().enumerate() {
            assets.push(asset(i, &img, tag));
            files.push(Some(encode_png(&img).expect("encodes")));
        }
        Self { assets, files }
    }

    fn of(
        draw: fn(u64, u32) -> Image,
        seeds: std::ops::Range<u64>,
        size: u32,
        tag: &'static str,
    ) -> Self {
        Self::new(seeds.map(|s| (draw(s, size), tag)))
    }

    fn train(
        &self,
        g: &QuiltGenerator,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        let entry = Catalogue::default().get("tattoo").expect("tattoo").clone();
        let limits = MediaLimits::default();
        let assets = self
            .assets
            .iter()
            .zip(&self.files)
            .map(|(asset, f)| TrainingAsset {
                asset,
                content: f.as_deref(),
            })
            .collect();
        g.train(
            &TrainingInput {
                entry: &entry,
                assets,
                instructions: None,
                limits: &limits,
            },
            ctl,
        )
    }
}

fn asset(i: usize, img: &Image, tag: &str) -> Asset {
    Asset {
        id: format!("asset-{i}").as_str().into(),
        owner: "ana".into(),
        source: AssetSource::Upload,
        modality: Modality::Image,
        meta: AssetMeta::image(img.width, img.height),
        tags: [tag.to_string()].into_iter().collect(),
        added_at: "2026-01-01T00:00:00Z".parse().expect("instant"),
        seq: i as u64,
        content: None,
    }
}

/// Small settings so the tests run fast; the defaults are benched.
fn small() -> QuiltGenerator {
    QuiltGenerator::new(QuiltSettings {
        output_px: 256,
        work_px: 192,
        exemplar_px: 128,
        patch_px: 32,
        overlap_px: 8,
        ..QuiltSettings::default()
    })
}

fn image_of(a: Artifact) -> Image {
    match a {
        Artifact::Image(img) => img,
        other => panic!("expected an image, got {:?}", other.modality()),
    }
}

fn generate(g: &QuiltGenerator, style: &TrainedStyle, brief: &Brief, seed: u64) -> Image {
    image_of(
        g.generate(style, brief, seed, &mut JobControl::none())
            .expect("generates"),
    )
}

fn style_vector(img: &Image) -> Vec<f32> {
    inspect_image(img, &Policy::default())
        .style_vector
        .expect("a style vector")
}

fn mean_distance(v: &[f32], set: &[Vec<f32>]) -> f32 {
    set.iter()
        .map(|s| {
            s.iter()
                .zip(v)
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f32>()
                .sqrt()
        })
        .sum::<f32>()
        / set.len() as f32
}

fn delta_e(a: &[f32], b: &[f32]) -> f32 {
    (0..3).map(|k| (a[k] - b[k]).powi(2)).sum::<f32>().sqrt()
}

// ---------------------------------------------------------------- tests

#[test]
fn each_style_generates_closer_to_its_own_set_than_to_the_other() {
    // R: G2
    let g = small();
    let draws: [fn(u64, u32) -> Image; 2] = [line_art, blobs];
    let sets: Vec<Set> = draws.iter().map(|&d| Set::of(d, 0..10, 256, "x")).collect();
    let styles: Vec<TrainedStyle> = sets
        .iter()
        .map(|s| s.train(&g, &mut JobControl::none()).expect("trains"))
        .collect();
    let vectors: Vec<Vec<Vec<f32>>> = draws
        .iter()
        .map(|&d| (0..10).map(|s| style_vector(&d(s, 256))).collect())
        .collect();
    let palettes: Vec<Vec<[f32; 4]>> = styles
        .iter()
        .map(|s| {
            serde_json::from_value::<StyleData>(s.data.clone())
                .expect("quilt data")
                .palette
        })
        .collect();
    for (own, style) in styles.iter().enumerate() {
        let other = 1 - own;
        for seed in [1, 2] {
            let out = generate(&g, style, &Brief::new("a koi fish"), seed);
            assert_eq!((out.width, out.height), (256, 256));
            let v = style_vector(&out);
            let (d_own, d_other) = (
                mean_distance(&v, &vectors[own]),
                mean_distance(&v, &vectors[other]),
            );
            assert!(
                d_own < 0.6 * d_other,
                "style {own} seed {seed}: {d_own} to its own set, {d_other} to the other"
            );
            // The output's dominant colour is one of its own palette's colours.
            let m = measure(&out, &ImageChecks::default());
            let dominant = m
                .palette
                .iter()
                .max_by(|a, b| a[3].total_cmp(&b[3]))
                .expect("a palette");
            let nearest = |p: &[[f32; 4]]| {
                p.iter()
                    .map(|c| delta_e(c, dominant))
                    .fold(f32::MAX, f32::min)
            };
            assert!(
                nearest(&palettes[own]) < 10.0,
                "style {own}: dominant {dominant:?} is far from {:?}",
                palettes[own]
            );
            assert!(nearest(&palettes[own]) < nearest(&palettes[other]));
            assert_eq!(
                m.monochrome,
                own == 0,
                "line art stays monochrome, blobs stay colourful"
            );
        }
    }
}

#[test]
fn same_inputs_give_identical_bytes_and_seed_or_text_change_them() {
    // R: G2
    let g = small();
    let style = Set::of(blobs, 0..4, 192, "x")
        .train(&g, &mut JobControl::none())
        .expect("trains");
    let brief = Brief::new("sunset over a lake");
    let a = generate(&g, &style, &brief, 42);
    assert_eq!(a, generate(&g, &style, &brief, 42));
    assert_ne!(a, generate(&g, &style, &brief, 43));
    assert_ne!(
        a,
        generate(&g, &style, &Brief::new("sunrise over a lake"), 42)
    );
    assert!(
        a.rgba.chunks_exact(4).all(|p| p[3] == 255),
        "output is opaque"
    );
    // Training is deterministic too.
    let again = Set::of(blobs, 0..4, 192, "x")
        .train(&g, &mut JobControl::none())
        .expect("trains");
    assert_eq!(style, again);
}

#[test]
fn tags_select_the_exemplars_used() {
    // R: G2
    let g = small();
    let set = Set::new(
        (0..4)
            .map(|s| (line_art(s, 192), "ink"))
            .chain((0..4).map(|s| (blobs(s, 192), "Colour"))),
    );
    let style = set.train(&g, &mut JobControl::none()).expect("trains");
    let chroma = |tags: &[&str]| {
        let brief = Brief {
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Brief::new("anything")
        };
        measure(&generate(&g, &style, &brief, 5), &ImageChecks::default()).mean_chroma
    };
    assert!(
        chroma(&["ink"]) < 4.0,
        "ink exemplars only: {}",
        chroma(&["ink"])
    );
    assert!(
        chroma(&["colour"]) > 30.0,
        "colour exemplars only (tags match case-insensitively): {}",
        chroma(&["colour"])
    );
}

#[test]
fn cancelling_from_the_progress_callback_stops_training_within_one_tick() {
    // R: T4
    let g = small();
    let set = Set::of(line_art, 0..6, 128, "x");
    let token = CancelToken::default();
    let mut ticks = 0;
    let handle = token.clone();
    let mut sink = |_: f32| {
        ticks += 1;
        handle.cancel();
    };
    let result = set.train(&g, &mut JobControl::new(&mut sink, &token));
    assert_eq!(result, Err(TrainError::Cancelled));
    assert_eq!(ticks, 1, "no work after the tick that saw the cancel");

    // Generation stops the same way, with the typed error.
    let style = set.train(&g, &mut JobControl::none()).expect("trains");
    let (token, mut ticks) = (CancelToken::default(), 0);
    let handle = token.clone();
    let mut sink = |_: f32| {
        ticks += 1;
        handle.cancel();
    };
    let err = g
        .generate(
            &style,
            &Brief::new("x"),
            1,
            &mut JobControl::new(&mut sink, &token),
        )
        .unwrap_err();
    assert_eq!((err.code(), ticks), ("cancelled", 1));
}

#[test]
fn a_set_without_usable_images_fails_typed() {
    // R: T4
    let g = small();
    let mut set = Set::of(line_art, 0..3, 64, "x");
    set.files.iter_mut().for_each(|f| *f = None);
    match set.train(&g, &mut JobControl::none()) {
        Err(TrainError::Failed(reason)) => assert!(
            reason.contains("no usable image") && reason.contains("3 without a file"),
            "{reason}"
        ),
        other => panic!("expected a failure, got {other:?}"),
    }
    // A text file among images is skipped, a set of only text fails.
    set.files = vec![Some(b"just words".to_vec()); 3];
    assert!(matches!(
        set.train(&g, &mut JobControl::none()),
        Err(TrainError::Failed(_))
    ));
    set.files[1] = Some(encode_png(&line_art(1, 64)).expect("encodes"));
    assert!(set.train(&g, &mut JobControl::none()).is_ok());
}

#[test]
fn foreign_or_damaged_styles_are_generator_failed() {
    // R: G2
    let g = small();
    let good = Set::of(line_art, 0..2, 96, "x")
        .train(&g, &mut JobControl::none())
        .expect("trains");
    let tiny = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        encode_png(&Image::filled(4, 4, [0, 0, 0, 255])).expect("encodes"),
    );
    let with = |f: &dyn Fn(&mut TrainedStyle)| {
        let mut s = good.clone();
        f(&mut s);
        s
    };
    let bad = [
        with(&|s| s.generator = "echo".into()),
        with(&|s| s.format = 2),
        with(&|s| s.data = serde_json::json!({"modality": "image"})),
        with(&|s| s.data["exemplars"] = serde_json::json!([])),
        with(&|s| s.data["exemplars"][0]["png"] = "not base64!".into()),
        with(&|s| s.data["exemplars"][0]["png"] = "aGVsbG8=".into()),
        with(&|s| s.data["exemplars"][0]["png"] = tiny.clone().into()),
        with(&|s| s.data["tones"] = serde_json::json!([50.0])),
        with(&|s| s.data["tones"] = serde_json::json!([80.0, 20.0])),
        with(&|s| s.data["palette"] = serde_json::json!([])),
    ];
    for (i, style) in bad.iter().enumerate() {
        // Every exemplar is drawn, so a damaged one is always met.
        let g = QuiltGenerator::new(QuiltSettings {
            exemplars_per_image: 100,
            ..g.settings().clone()
        });
        let err = g
            .generate(style, &Brief::new("x"), 1, &mut JobControl::none())
            .unwrap_err();
        assert_eq!(err.code(), "generator_failed", "case {i}: {err}");
    }
}

#[test]
fn hostile_images_and_settings_never_panic() {
    // R: T4
    let noise = |w: u32, h: u32| {
        let mut rng = SplitMix(u64::from(w * 31 + h));
        from_fn(w, h, |_, _| {
            [rng.next_f32(), rng.next_f32(), rng.next_f32()]
        })
    };
    let set = Set::new([
        (noise(1, 1), "a"),
        (noise(2000, 3), "b"),
        (noise(2, 900), "c"),
        (line_art(1, 64), "d"),
        (blobs(1, 64), "e"),
    ]);
    let extreme = QuiltSettings {
        output_px: 0,
        work_px: u32::MAX,
        exemplar_px: 1,
        max_exemplars: 0,
        exemplars_per_image: 0,
        patch_px: 0,
        overlap_px: 1000,
        candidates: 0,
        tolerance: f32::NAN,
        edge_weight: f32::INFINITY,
        guide_weight: f32::INFINITY,
        palette_k: 0,
        sample_px: 0,
        palette_pull: -3.0,
        tone_levels: 0,
        max_tone_gain: f32::NEG_INFINITY,
    };
    for settings in [small().settings().clone(), extreme] {
        let g = QuiltGenerator::new(settings);
        let style = set
            .train(&g, &mut JobControl::none())
            .expect("trains on tiny and thin images");
        for seed in [0, 1, 2, u64::MAX] {
            let img = generate(&g, &style, &Brief::new(""), seed);
            let side = g.settings().sanitized().output_px;
            assert_eq!(
                (img.width, img.height, img.rgba.len()),
                (side, side, (side * side * 4) as usize)
            );
        }
    }
}

#[test]
fn seams_run_around_strokes_with_the_edge_term() {
    // R: G2
    // As in quilting: an overlap strip of line art meets the best-matching of 40
    // random strips, and the seam between them is cut with and without the edge
    // term. Some ink under a seam is unavoidable (a stroke that crosses the whole
    // strip); the ink beyond the least possible (a path that only avoids ink) is
    // seam running along or through strokes, and the edge term must at least halve
    // it.
    let size = 128usize;
    let tex: Vec<Rgb> = (0..6)
        .map(|s| Rgb::from_rgba(&line_art(s, size as u32)))
        .collect();
    let edges: Vec<Vec<u8>> = tex.iter().map(edge_map).collect();
    let (h, w) = (32usize, 8usize);
    let mut rng = SplitMix(9);
    let pick = |rng: &mut SplitMix| {
        let t = (rng.next_u64() % tex.len() as u64) as usize;
        (
            t,
            (rng.next_u64() % (size - w) as u64) as usize,
            (rng.next_u64() % (size - h) as u64) as usize,
        )
    };
    let at = |(t, x0, y0): (usize, usize, usize), x: usize, y: usize| (t, (y0 + y) * size + x0 + x);
    let px = |(t, i): (usize, usize)| &tex[t].px[i * 3..i * 3 + 3];
    let colour = |a: &[u8], b: &[u8]| {
        a.iter()
            .zip(b)
            .map(|(&p, &q)| (i64::from(p) - i64::from(q)).pow(2) as u64)
            .sum::<u64>()
    };
    let strip_error = |a, b| {
        (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| colour(px(at(a, x, y)), px(at(b, x, y))))
            .sum::<u64>()
    };
    let weight = QuiltSettings::default().edge_weight;
    assert!(weight > 0.0);
    // Ink under the seam: [least possible, plain cut, with the edge term].
    let (mut ink, mut dp) = ([0usize; 3], Vec::new());
    for _ in 0..200 {
        let a = pick(&mut rng);
        let b = (0..40)
            .map(|_| pick(&mut rng))
            .min_by_key(|&b| strip_error(a, b))
            .expect("candidates");
        let grid = |f: &dyn Fn((usize, usize), (usize, usize)) -> u64| -> Vec<u64> {
            (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .map(|(x, y)| f(at(a, x, y), at(b, x, y)))
                .collect()
        };
        let on_ink = grid(&|pa, pb| u64::from(px(pa)[0] < 128 || px(pb)[0] < 128));
        let costs = [
            on_ink.clone(),
            grid(&|pa, pb| colour(px(pa), px(pb))),
            grid(&|pa, pb| {
                colour(px(pa), px(pb)) + edge_term(edges[pa.0][pa.1], edges[pb.0][pb.1], weight)
            }),
        ];
        for (k, cost) in costs.iter().enumerate() {
            ink[k] += min_path(cost, w, h, &mut dp)
                .iter()
                .enumerate()
                .map(|(y, &x)| on_ink[y * w + x] as usize)
                .sum::<usize>();
        }
    }
    let (plain, edged) = (ink[1] - ink[0], ink[2] - ink[0]);
    assert!(
        edged * 2 < plain,
        "avoidable seam pixels on ink: {plain} without the edge term, {edged} with it"
    );
}

#[test]
fn min_path_follows_the_cheapest_valley() {
    // R: G2
    // A 5×4 grid whose cheap cells wander 2, 1, 1, 0 (8-connected steps).
    let cost = [9, 9, 0, 9, 9, 9, 0, 9, 9, 9, 9, 0, 9, 9, 9, 0, 9, 9, 9, 9];
    assert_eq!(min_path(&cost, 5, 4, &mut Vec::new()), [2, 1, 1, 0]);
}

#[test]
fn lab_round_trip_is_within_one_level() {
    // R: G2
    let mut rng = SplitMix(3);
    for i in 0..2000 {
        let c: [u8; 3] = if i < 256 {
            [i as u8; 3]
        } else {
            [0; 3].map(|_| (rng.next_u64() % 256) as u8)
        };
        let back = lab_to_srgb(srgb_to_lab(
            f32::from(c[0]) / 255.0,
            f32::from(c[1]) / 255.0,
            f32::from(c[2]) / 255.0,
        ));
        assert!(
            c.iter().zip(back).all(|(&a, b)| a.abs_diff(b) <= 1),
            "{c:?} came back as {back:?}"
        );
        if i < 256 {
            assert_eq!(back, c, "greys stay exactly grey");
        }
    }
}

#[test]
fn default_output_is_1024_and_fit_for_the_invisible_mark() {
    // R: W2
    use crate::watermark::invisible::{embed, InvisibleStyle};
    let g = QuiltGenerator::default();
    for draw in [line_art, blobs] {
        let style = Set::of(draw, 0..3, 256, "x")
            .train(&g, &mut JobControl::none())
            .expect("trains");
        let img = generate(&g, &style, &Brief::new("x"), 1);
        assert_eq!((img.width, img.height), (1024, 1024));
        assert!(
            embed(&img, 0xC0FFEE, &InvisibleStyle::default()).is_ok(),
            "the output has texture enough to carry the mark"
        );
    }
}
