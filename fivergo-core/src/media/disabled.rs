//! What a build without the `media` feature (no image, hound or candle) does where
//! it would decode or encode a picture or a recording: a typed `feature_disabled`
//! error, so that text-only marketplaces and rules-only backends still run.

use crate::error::Error;
use crate::generator::{Audio, Image};
use crate::media::MediaLimits;

fn disabled(action: &str) -> Error {
    Error::FeatureDisabled {
        feature: "media".into(),
        action: action.into(),
    }
}

/// Without `media`: `feature_disabled`.
pub fn decode_image(_: &[u8], _: &MediaLimits) -> Result<Image, Error> {
    Err(disabled("decode images"))
}

/// Without `media`: `feature_disabled`.
pub fn encode_png(_: &Image) -> Result<Vec<u8>, Error> {
    Err(disabled("encode images"))
}

/// Without `media`: `feature_disabled`.
pub fn decode_wav(_: &[u8], _: &MediaLimits) -> Result<Audio, Error> {
    Err(disabled("decode recordings"))
}

/// Without `media`: `feature_disabled`.
pub fn encode_wav(_: &Audio) -> Result<Vec<u8>, Error> {
    Err(disabled("encode recordings"))
}
