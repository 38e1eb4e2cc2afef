//! Images, audio and text in and out: the `Artifact` class, file inspection and
//! decoding (`media::inspect`, `media::decode`, `media::encode`) and draft watermarks
//! (`watermark::mark_draft`, `watermark::trace`). Files are `bytes` (PNG, JPEG, WebP,
//! WAV, UTF-8); pixel and sample buffers are `bytes` / lists (numpy views are built in
//! `fivergo/__init__.py` when numpy is installed).

use crate::convert::{to_json, Arg, Int};
use crate::errors::{detached, to_py_err, value_err};
use crate::values::PyPolicy;
use fivergo_core::watermark::{self, DraftMark, MarkStyle};
use fivergo_core::{Artifact, Audio, Image, Policy};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyType};

/// A generated or decoded artifact: an image (RGBA8), audio (16-bit PCM) or a text.
#[pyclass(
    frozen,
    eq,
    from_py_object,
    module = "fivergo._fivergo",
    name = "Artifact"
)]
#[derive(Clone, PartialEq)]
pub struct PyArtifact(pub Artifact);

#[pymethods]
impl PyArtifact {
    /// An image from its size and `width * height * 4` RGBA bytes.
    #[classmethod]
    fn from_image(
        _cls: &Bound<'_, PyType>,
        width: Int<u32>,
        height: Int<u32>,
        rgba: Arg<Vec<u8>>,
    ) -> PyResult<Self> {
        let width: u32 = width.0;
        let height: u32 = height.0;
        let rgba: Vec<u8> = rgba.0;
        if rgba.len() as u64 != u64::from(width) * u64::from(height) * 4 {
            return Err(value_err(
                "rgba",
                format!(
                    "a {width}x{height} RGBA image needs {} bytes, got {}",
                    u64::from(width) * u64::from(height) * 4,
                    rgba.len()
                ),
            ));
        }
        Ok(Self(Artifact::Image(Image {
            width,
            height,
            rgba,
        })))
    }
    /// Audio from its sample rate, channel count and interleaved 16-bit samples.
    #[classmethod]
    fn from_audio(
        _cls: &Bound<'_, PyType>,
        sample_rate: Int<u32>,
        channels: Int<u16>,
        samples: Arg<Vec<i16>>,
    ) -> PyResult<Self> {
        let sample_rate: u32 = sample_rate.0;
        let channels: u16 = channels.0;
        let samples: Vec<i16> = samples.0;
        if sample_rate == 0 || channels == 0 || samples.len() % usize::from(channels) != 0 {
            return Err(value_err(
                "samples",
                "audio needs a positive rate, at least one channel and whole frames",
            ));
        }
        Ok(Self(Artifact::Audio(Audio {
            sample_rate,
            channels,
            samples,
        })))
    }
    /// A text artifact.
    #[classmethod]
    fn from_text(_cls: &Bound<'_, PyType>, text: Arg<String>) -> Self {
        let text: String = text.0;
        Self(Artifact::Text(text))
    }
    /// Decodes a PNG / JPEG / WebP / WAV / UTF-8 file within the policy's media limits.
    #[classmethod]
    #[pyo3(signature = (data, policy=None))]
    fn from_bytes(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        data: Arg<Vec<u8>>,
        policy: Option<Arg<PyPolicy>>,
    ) -> PyResult<Self> {
        let data: Vec<u8> = data.0;
        let policy: Option<PyPolicy> = policy.map(|v| v.0);
        let policy = policy.map(|p| p.0).unwrap_or_default();
        detached(py, || {
            fivergo_core::media::decode(&data, &policy.media.limits)
        })?
        .map(Self)
        .map_err(|e| to_py_err(py, &e))
    }
    /// The file: PNG for images, WAV for audio, UTF-8 for text.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = detached(py, || fivergo_core::media::encode(&self.0))?
            .map_err(|e| to_py_err(py, &e))?;
        Ok(PyBytes::new(py, &bytes))
    }
    /// `"image"`, `"audio"` or `"text"`.
    #[getter]
    fn kind(&self) -> PyResult<String> {
        Ok(to_json(&self.0.modality())?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }
    /// Image width in pixels (`None` for audio and text).
    #[getter]
    fn width(&self) -> Option<u32> {
        self.image().map(|i| i.width)
    }
    /// Image height in pixels.
    #[getter]
    fn height(&self) -> Option<u32> {
        self.image().map(|i| i.height)
    }
    /// Image pixels, RGBA8 row by row.
    #[getter]
    fn rgba<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.image().map(|i| PyBytes::new(py, &i.rgba))
    }
    /// Audio sample rate in Hz.
    #[getter]
    fn sample_rate(&self) -> Option<u32> {
        self.audio().map(|a| a.sample_rate)
    }
    /// Audio channel count.
    #[getter]
    fn channels(&self) -> Option<u16> {
        self.audio().map(|a| a.channels)
    }
    /// Audio samples, interleaved 16-bit PCM as little-endian bytes.
    #[getter]
    fn pcm<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.audio().map(|a| {
            PyBytes::new(
                py,
                &a.samples
                    .iter()
                    .flat_map(|s| s.to_le_bytes())
                    .collect::<Vec<u8>>(),
            )
        })
    }
    /// Audio duration in milliseconds.
    #[getter]
    fn duration_ms(&self) -> Option<u64> {
        self.audio().map(Audio::duration_ms)
    }
    /// The text of a text artifact.
    #[getter]
    fn text(&self) -> Option<&str> {
        match &self.0 {
            Artifact::Text(t) => Some(t),
            _ => None,
        }
    }
    fn __repr__(&self) -> String {
        match &self.0 {
            Artifact::Image(i) => format!("Artifact(image {}x{})", i.width, i.height),
            Artifact::Audio(a) => format!(
                "Artifact(audio {} Hz x{} {} ms)",
                a.sample_rate,
                a.channels,
                a.duration_ms()
            ),
            Artifact::Text(t) => format!(
                "Artifact(text {:?})",
                t.chars().take(40).collect::<String>()
            ),
        }
    }
}

impl PyArtifact {
    fn image(&self) -> Option<&Image> {
        match &self.0 {
            Artifact::Image(i) => Some(i),
            _ => None,
        }
    }
    fn audio(&self) -> Option<&Audio> {
        match &self.0 {
            Artifact::Audio(a) => Some(a),
            _ => None,
        }
    }
}

/// Decodes and measures an uploaded file as `upload_asset` would (A3): returns
/// `(modality, meta)` with the measured `AssetMeta` as a dict; raises `AssetError`
/// for unreadable or oversized files. Releases the GIL while it works.
#[pyfunction]
#[pyo3(signature = (data, policy=None))]
pub fn inspect(
    py: Python<'_>,
    data: Arg<Vec<u8>>,
    policy: Option<Arg<PyPolicy>>,
) -> PyResult<(String, Py<PyAny>)> {
    let data: Vec<u8> = data.0;
    let policy: Option<PyPolicy> = policy.map(|v| v.0);
    let policy: Policy = policy.map(|p| p.0).unwrap_or_default();
    let inspected = detached(py, || fivergo_core::media::inspect(&data, &policy))?
        .map_err(|e| to_py_err(py, &e))?;
    let modality = to_json(&inspected.modality)?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok((modality, crate::convert::to_py(py, &inspected.meta)?))
}

/// Watermarks a clean artifact as a client draft (W1, W2): the visible mark with
/// `reference`, plus the invisible `payload` when given. Returns the draft and `None`,
/// or the visibly marked draft and the reason the payload did not fit.
#[pyfunction]
#[pyo3(signature = (clean, reference, seed, payload=None))]
pub fn mark_draft(
    py: Python<'_>,
    clean: Arg<PyArtifact>,
    reference: Arg<String>,
    seed: Int<u64>,
    payload: Option<Int<u64>>,
) -> PyResult<(PyArtifact, Option<String>)> {
    let clean: PyArtifact = clean.0;
    let reference: String = reference.0;
    let seed: u64 = seed.0;
    let payload: Option<u64> = payload.map(|v| v.0);
    let marked = detached(py, || {
        watermark::mark_draft(
            &clean.0,
            &DraftMark { reference, seed },
            payload,
            &MarkStyle::default(),
        )
    })?;
    Ok((
        PyArtifact(marked.artifact),
        marked.payload.err().map(|u| u.reason),
    ))
}

/// Looks for an invisible draft mark (W2): `(payload, confidence)` or `None`.
#[pyfunction]
pub fn detect_watermark(py: Python<'_>, artifact: Arg<PyArtifact>) -> PyResult<Option<(u64, f32)>> {
    let artifact: PyArtifact = artifact.0;
    Ok(
        match detached(py, || watermark::trace(&artifact.0, &MarkStyle::default()))? {
            watermark::Detection::Found {
                payload,
                confidence,
            } => Some((payload, confidence)),
            watermark::Detection::NotFound => None,
        },
    )
}
