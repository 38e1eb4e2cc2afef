//! Composition and synthesis of a jingle: a chord progression in the learned key, a
//! bass line on the beat, a sustained pad and a seeded melody, rendered with an
//! additive synth whose harmonic amplitudes follow the learned spectral envelope.

use super::{JingleSettings, JingleStyle};
use crate::generator::{Cancelled, JobControl};
use crate::rng::SplitMix;

/// Semitones of the major scale above the tonic.
const MAJOR_SCALE: [i32; 7] = [0, 2, 4, 5, 7, 9, 11];
/// Semitones of the natural minor scale above the tonic.
const MINOR_SCALE: [i32; 7] = [0, 2, 3, 5, 7, 8, 10];
/// Progressions (scale degrees, 0 = tonic), one chord per bar, for major keys; all
/// start on the tonic, and the last bar of a jingle is always the tonic chord.
const MAJOR_PROGRESSIONS: [[usize; 4]; 4] =
    [[0, 4, 5, 3], [0, 3, 4, 0], [0, 5, 3, 4], [0, 3, 0, 4]];
/// Progressions for minor keys.
const MINOR_PROGRESSIONS: [[usize; 4]; 4] =
    [[0, 3, 4, 0], [0, 5, 3, 4], [0, 3, 0, 4], [0, 5, 4, 0]];
/// Beats per bar.
const BEATS_PER_BAR: usize = 4;
/// MIDI note of the bass octave's C, the pad's and the melody's.
const BASS_C: i32 = 36;
const PAD_C: i32 = 48;
const MELODY_C: i32 = 48;
/// Relative loudness of the bass, the pad and the melody.
const BASS_GAIN: f32 = 0.5;
const PAD_GAIN: f32 = 0.16;
const MELODY_GAIN: f32 = 0.45;
/// Samples of one wavetable cycle.
const TABLE: usize = 2048;
/// Attack and release of every note, in seconds.
const ATTACK_S: f32 = 0.006;
const RELEASE_S: f32 = 0.03;
/// Peak level of the rendered jingle (of full scale).
const PEAK: f32 = 0.8;

/// One note to render.
struct Note {
    midi: i32,
    start_s: f32,
    length_s: f32,
    gain: f32,
}

/// Frequency of a MIDI note, Hz.
fn hz(midi: i32) -> f32 {
    440.0 * ((midi - 69) as f32 / 12.0).exp2()
}

/// The notes of a jingle of `seconds` in the style, chosen with `seed`.
fn score(style: &JingleStyle, seconds: f32, seed: u64) -> Vec<Note> {
    let mut rng = SplitMix(seed ^ 0x4A49_4E47_4C45);
    let minor = style.mode == "minor";
    let scale = if minor { MINOR_SCALE } else { MAJOR_SCALE };
    let progressions = if minor {
        MINOR_PROGRESSIONS
    } else {
        MAJOR_PROGRESSIONS
    };
    let progression = progressions[(rng.next_u64() % progressions.len() as u64) as usize];
    let tonic = i32::from(style.tonic % 12);
    // A scale step (any octave) to a MIDI note above `base`.
    let note = |base: i32, step: i32| {
        base + tonic + 12 * step.div_euclid(7) + scale[step.rem_euclid(7) as usize]
    };
    let beat = 60.0 / style.tempo_bpm.clamp(1.0, 1000.0);
    let beats = (seconds / beat).ceil().max(1.0) as usize;
    let mut notes = Vec::new();
    let mut step = 7i32; // the melody starts on the upper tonic
    let mut b = 0;
    while b < beats {
        let bar = b / BEATS_PER_BAR;
        let t = b as f32 * beat;
        let last_bar = (bar + 1) * BEATS_PER_BAR >= beats;
        // The last bar returns to the tonic chord.
        let degree = if last_bar {
            0
        } else {
            progression[bar % progression.len()] as i32
        };
        if b % BEATS_PER_BAR == 0 {
            let pad_len = (BEATS_PER_BAR as f32 * beat).min(seconds - t);
            for third in [0, 2, 4] {
                notes.push(Note {
                    midi: note(PAD_C, degree + third),
                    start_s: t,
                    length_s: pad_len,
                    gain: PAD_GAIN,
                });
            }
        }
        let accent = if b % BEATS_PER_BAR == 0 { 1.0 } else { 0.7 };
        notes.push(Note {
            midi: note(BASS_C, degree),
            start_s: t,
            length_s: beat,
            gain: BASS_GAIN * accent,
        });
        // Melody: a random walk over the scale, landing on a chord tone on each
        // downbeat and on the tonic at the end.
        if b + 1 >= beats {
            notes.push(Note {
                midi: note(MELODY_C, 7),
                start_s: t,
                length_s: seconds - t,
                gain: MELODY_GAIN,
            });
            break;
        }
        let r = rng.next_f32();
        let (count, len) = if r < 0.25 && !last_bar {
            (2, 0.5)
        } else if r < 0.4 && b % 2 == 0 {
            (1, 2.0)
        } else {
            (1, 1.0)
        };
        for k in 0..count {
            let walk = [-2, -1, -1, 0, 1, 1, 2][(rng.next_u64() % 7) as usize];
            step = (step + walk).clamp(3, 12);
            if b % BEATS_PER_BAR == 0 && k == 0 {
                let chord = [
                    degree,
                    degree + 2,
                    degree + 4,
                    degree + 7,
                    degree + 9,
                    degree + 11,
                ];
                step = chord
                    .into_iter()
                    .min_by_key(|c| ((c - step).abs(), *c))
                    .unwrap_or(step);
            }
            let start = t + k as f32 * len * beat;
            notes.push(Note {
                midi: note(MELODY_C, step),
                start_s: start,
                length_s: len * beat,
                gain: MELODY_GAIN * accent,
            });
        }
        b += if len > 1.0 { 2 } else { 1 };
    }
    notes
}

/// One cycle of a note's waveform: harmonics up to the envelope's top (and below
/// Nyquist), each with the learned envelope's amplitude at its frequency; peak 1.
fn wavetable(style: &JingleStyle, f0: f32, rate: f32, settings: &JingleSettings) -> Vec<f32> {
    let top = (0.45 * rate).min(style.band_hz.last().copied().unwrap_or(0.0));
    let harmonics: Vec<(usize, f32)> = (1..=settings.max_harmonics.max(1) as usize)
        .map(|k| (k, style.amplitude_at(k as f32 * f0)))
        .take_while(|&(k, _)| k as f32 * f0 <= top || k == 1)
        .collect();
    // sin(k·2πi/T) is entry k·i mod T of one sine cycle: integer harmonics need no
    // further trigonometry.
    let sine: Vec<f32> = (0..TABLE)
        .map(|i| (std::f32::consts::TAU * i as f32 / TABLE as f32).sin())
        .collect();
    let mut table: Vec<f32> = (0..TABLE)
        .map(|i| {
            harmonics
                .iter()
                .map(|&(k, a)| a * sine[(k * i) % TABLE])
                .sum()
        })
        .collect();
    let peak = table.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    if peak > 0.0 {
        table.iter_mut().for_each(|v| *v /= peak);
    }
    table
}

/// Renders `seconds` (exactly `round(seconds × rate)` samples) of the jingle,
/// ticking `ctl` from `0` to `1` as the notes are rendered.
pub(crate) fn render(
    style: &JingleStyle,
    seconds: f32,
    seed: u64,
    settings: &JingleSettings,
    ctl: &mut JobControl<'_>,
) -> Result<Vec<i16>, Cancelled> {
    let rate = settings.sample_rate_hz.max(1) as f32;
    let len = (seconds * rate).round() as usize;
    let mut out = vec![0.0f32; len];
    let notes = score(style, seconds, seed);
    let mut tables: std::collections::BTreeMap<i32, Vec<f32>> = std::collections::BTreeMap::new();
    let (attack, release) = ((ATTACK_S * rate).max(1.0), (RELEASE_S * rate).max(1.0));
    for (i, n) in notes.iter().enumerate() {
        if i % 16 == 0 {
            ctl.tick(i as f32 / notes.len() as f32)?;
        }
        let f0 = hz(n.midi);
        let table = tables
            .entry(n.midi)
            .or_insert_with(|| wavetable(style, f0, rate, settings));
        let start = (n.start_s * rate).round() as usize;
        let length = (n.length_s * rate).round() as usize;
        let end = (start + length).min(len);
        // Exponential decay over the note (time constant 0.6 × its length), by recurrence.
        let decay = (-1.0 / (0.6 * n.length_s.max(0.05) * rate)).exp();
        let inc = f0 * TABLE as f32 / rate;
        let (mut phase, mut level) = (0.0f32, 1.0f32);
        for (j, slot) in out[start.min(end)..end].iter_mut().enumerate() {
            let env = (j as f32 / attack).min(1.0)
                * level
                * (((end - start - j) as f32) / release).min(1.0);
            level *= decay;
            let idx = phase as usize;
            let frac = phase - idx as f32;
            let (a, b) = (table[idx % TABLE], table[(idx + 1) % TABLE]);
            *slot += n.gain * env * (a + (b - a) * frac);
            phase += inc;
            if phase >= TABLE as f32 {
                phase -= TABLE as f32;
            }
        }
    }
    let peak = out.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let gain = if peak > 0.0 { PEAK / peak } else { 0.0 };
    ctl.tick(1.0)?;
    Ok(out
        .iter()
        .map(|v| (v * gain * 32767.0).round().clamp(-32768.0, 32767.0) as i16)
        .collect())
}
