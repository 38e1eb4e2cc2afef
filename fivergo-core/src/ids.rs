//! Typed identifiers.
//!
//! Every aggregate is addressed by a newtype around a string, so a seller id can never
//! be passed where a model id is expected. Hosts bring their own ids for sellers and
//! clients; the [`Hub`](crate::Hub) mints the others deterministically (`model-1`,
//! `asset-7`, ...), so replaying the same commands yields the same ids.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// Wraps a string as this id type.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    };
}

id_type!(
    /// A seller (freelancer), as identified by the host platform.
    ///
    /// ```
    /// use fivergo_core::SellerId;
    /// let id = SellerId::from("ana");
    /// assert_eq!(id.as_str(), "ana");
    /// ```
    SellerId
);
id_type!(
    /// A client (buyer), as identified by the host platform.
    ///
    /// ```
    /// use fivergo_core::ClientId;
    /// assert_eq!(ClientId::new("bob").to_string(), "bob");
    /// ```
    ClientId
);
id_type!(
    /// A creation model, minted by the hub (`model-1`, ...).
    ///
    /// ```
    /// use fivergo_core::ModelId;
    /// assert_eq!(ModelId::from("model-1").as_str(), "model-1");
    /// ```
    ModelId
);
id_type!(
    /// A training asset in a seller's library, minted by the hub (`asset-1`, ...).
    ///
    /// ```
    /// use fivergo_core::AssetId;
    /// assert_eq!(AssetId::from("asset-3").as_str(), "asset-3");
    /// ```
    AssetId
);
id_type!(
    /// A training job, minted by the hub (`job-1`, ...).
    ///
    /// ```
    /// use fivergo_core::JobId;
    /// assert_eq!(JobId::from("job-2").as_str(), "job-2");
    /// ```
    JobId
);
id_type!(
    /// A client order, minted by the hub (`order-1`, ...).
    ///
    /// ```
    /// use fivergo_core::OrderId;
    /// assert_eq!(OrderId::from("order-9").as_str(), "order-9");
    /// ```
    OrderId
);
id_type!(
    /// A seller subscription, minted by the hub (`sub-1`, ...).
    ///
    /// ```
    /// use fivergo_core::SubscriptionId;
    /// assert_eq!(SubscriptionId::from("sub-1").as_str(), "sub-1");
    /// ```
    SubscriptionId
);
id_type!(
    /// A stored payment method (card or PayPal), as identified by the host.
    ///
    /// ```
    /// use fivergo_core::PaymentMethodId;
    /// assert_eq!(PaymentMethodId::from("card-1").as_str(), "card-1");
    /// ```
    PaymentMethodId
);
id_type!(
    /// A generated artifact (playground output, draft, clean file), minted by the hub.
    ///
    /// ```
    /// use fivergo_core::ArtifactId;
    /// assert_eq!(ArtifactId::from("artifact-1").as_str(), "artifact-1");
    /// ```
    ArtifactId
);
