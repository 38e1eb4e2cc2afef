//! Typed identifiers.
//!
//! Every aggregate is addressed by a newtype around a string, so a seller id can never
//! be passed where a model id is expected. Hosts bring their own ids for sellers and
//! clients; the [`Hub`](crate::Hub) mints the others inside the seller's partition as
//! `<seller>/<kind>-<n>` (`ana/model-1`, `ana/order-7`), counted per partition: ids
//! never collide across processes (two processes minting in one partition conflict on
//! its version and one retries), the partition of any minted id is readable from the
//! id itself ([`PartitionKey::partition`]), and replaying the same commands yields the
//! same ids.

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
            ///
            #[doc = concat!("```\nuse fivergo_core::", stringify!($name), ";\n",
                "let id = ", stringify!($name), "::new(format!(\"ana/{}\", 1));\n",
                "assert_eq!(id, ", stringify!($name), "::new(\"ana/1\"));\n```")]
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            /// The id as a string slice.
            ///
            #[doc = concat!("```\nuse fivergo_core::", stringify!($name), ";\n",
                "let id = ", stringify!($name), "::from(\"ana/7\");\n",
                "assert_eq!(id.as_str(), \"ana/7\");\n",
                "assert_eq!(id.as_str(), id.to_string());\n```")]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&$name> for $name {
            fn from(s: &$name) -> Self {
                s.clone()
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
    /// A creation model, minted by the hub (`ana/model-1`, ...).
    ///
    /// ```
    /// use fivergo_core::ModelId;
    /// assert_eq!(ModelId::from("ana/model-1").as_str(), "ana/model-1");
    /// ```
    ModelId
);
id_type!(
    /// A training asset in a seller's library, minted by the hub (`ana/asset-1`, ...).
    ///
    /// ```
    /// use fivergo_core::AssetId;
    /// assert_eq!(AssetId::from("ana/asset-3").as_str(), "ana/asset-3");
    /// ```
    AssetId
);
id_type!(
    /// A training job, minted by the hub (`ana/job-1`, ...).
    ///
    /// ```
    /// use fivergo_core::JobId;
    /// assert_eq!(JobId::from("ana/job-2").as_str(), "ana/job-2");
    /// ```
    JobId
);
id_type!(
    /// A queued generation (a draft, a revision, a playground picture) that a worker
    /// claims, minted by the hub (`ana/gen-1`, ...).
    ///
    /// ```
    /// use fivergo_core::GenerationId;
    /// assert_eq!(GenerationId::from("ana/gen-4").as_str(), "ana/gen-4");
    /// ```
    GenerationId
);
id_type!(
    /// A client order, minted by the hub (`ana/order-1`, ...).
    ///
    /// ```
    /// use fivergo_core::OrderId;
    /// assert_eq!(OrderId::from("ana/order-9").as_str(), "ana/order-9");
    /// ```
    OrderId
);
id_type!(
    /// A seller subscription, minted by the hub (`ana/sub-1`, ...).
    ///
    /// ```
    /// use fivergo_core::SubscriptionId;
    /// assert_eq!(SubscriptionId::from("ana/sub-1").as_str(), "ana/sub-1");
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
    /// An event: `<seller>/event-<sequence>`, unique across the marketplace.
    ///
    /// ```
    /// use fivergo_core::EventId;
    /// assert_eq!(EventId::new("ana/event-3").as_str(), "ana/event-3");
    /// ```
    EventId
);

/// Ids minted inside a seller's partition name it before their last `/`.
///
/// ```
/// use fivergo_core::{ModelId, OrderId, PartitionKey};
/// assert_eq!(ModelId::from("ana/model-1").partition().unwrap().as_str(), "ana");
/// assert_eq!(OrderId::from("order-1").partition(), None);
/// ```
pub trait PartitionKey {
    /// The seller whose partition holds it, or `None` for an id the hub never minted.
    ///
    /// ```
    /// use fivergo_core::{JobId, PartitionKey, SellerId};
    /// assert_eq!(JobId::from("ana/job-2").partition(), Some(SellerId::from("ana")));
    /// assert_eq!(JobId::from("/job-2").partition(), None); // no seller before the `/`
    /// assert_eq!(SellerId::from("ana").partition(), Some(SellerId::from("ana")));
    /// ```
    fn partition(&self) -> Option<SellerId>;
}

macro_rules! partitioned {
    ($($name:ident),*) => {$(
        impl PartitionKey for $name {
            fn partition(&self) -> Option<SellerId> {
                self.0.rsplit_once('/').map(|(seller, _)| seller).filter(|s| !s.is_empty()).map(SellerId::from)
            }
        }
    )*};
}
partitioned!(
    ModelId,
    AssetId,
    JobId,
    GenerationId,
    OrderId,
    SubscriptionId,
    EventId
);

impl PartitionKey for SellerId {
    fn partition(&self) -> Option<SellerId> {
        Some(self.clone())
    }
}
