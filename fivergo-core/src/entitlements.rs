//! What a seller may do now (E1, E2, S2–S4): the answer a UI needs before it offers
//! a button, from the same checks the commands make.

use crate::error::Error;
use crate::policy::Policy;
use crate::seller::Seller;
use crate::subscription::Subscription;
use serde::{Serialize, Serializer};

/// One capability: allowed, or the refusal the command would give now (with its
/// code, rule and numbers).
///
/// ```
/// use fivergo_core::{entitlements::Entitlement, Error};
/// let no = Error::InvalidInput { field: "x".into(), reason: "no".into() };
/// let refused = Entitlement::from(Err::<(), _>(no));
/// assert!(!refused.allowed());
/// assert_eq!(serde_json::to_value(&refused).unwrap()["refusal"]["code"], "invalid_input");
/// assert_eq!(serde_json::to_value(Entitlement::from(Ok(()))).unwrap()["allowed"], true);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entitlement {
    allowed: bool,
    #[serde(serialize_with = "refusal_report")]
    refusal: Option<Error>,
}

impl Entitlement {
    /// Whether the seller may do it now.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let now = hub.entitlements("ana").unwrap();
    /// assert!(now.train.allowed()); // two trainings before subscribing (T1)
    /// assert!(!now.serve_clients.allowed()); // needs a subscription (S4)
    /// ```
    pub fn allowed(&self) -> bool {
        self.allowed
    }

    /// Why not: the error the command would return now.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("bob", SellerLevel::New, false).unwrap();
    /// let now = hub.entitlements("bob").unwrap();
    /// let why = now.create_models.refusal().unwrap();
    /// assert_eq!((why.code(), why.rule()), ("not_eligible", Some("E1")));
    /// assert!(now.playground.refusal().is_none());
    /// ```
    pub fn refusal(&self) -> Option<&Error> {
        self.refusal.as_ref()
    }
}

impl<T> From<Result<T, Error>> for Entitlement {
    fn from(check: Result<T, Error>) -> Self {
        match check {
            Ok(_) => Self {
                allowed: true,
                refusal: None,
            },
            Err(e) => Self {
                allowed: false,
                refusal: Some(e),
            },
        }
    }
}

fn refusal_report<S: Serializer>(refusal: &Option<Error>, s: S) -> Result<S::Ok, S::Error> {
    refusal.as_ref().map(Error::report).serialize(s)
}

/// What a seller may do now, each with its reason when refused.
///
/// ```
/// use fivergo_core::*;
/// let hub = Hub::builder().build().unwrap();
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// let now = hub.entitlements("ana").unwrap();
/// assert!(now.create_models.allowed() && now.train.allowed());
/// // Publishing, serving clients and the assistant's automatic replies need an
/// // active subscription (S4).
/// assert_eq!(now.publish.refusal().unwrap().code(), "subscription_required");
/// assert_eq!(now.assistant_auto_replies.refusal().unwrap().rule(), Some("S4"));
/// hub.set_seller_level("ana", SellerLevel::Level1, false).unwrap();
/// assert_eq!(hub.entitlements("ana").unwrap().create_models.refusal().unwrap().code(), "not_eligible");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entitlements {
    /// Create a model (E1).
    pub create_models: Entitlement,
    /// Start a training (E1, E2; refused while past due or after the end, S2, S4;
    /// quotas are per model: see `Hub::quota`).
    pub train: Entitlement,
    /// Generate in the playground (watermarked before the first subscription, G2;
    /// refused while past due or after the end, S2, S4).
    pub playground: Entitlement,
    /// Publish a model (E1, E2, S4; the model's own checklist: `Hub::publish_checklist`).
    pub publish: Entitlement,
    /// Clients generate with the seller's published models (G5, S4).
    pub serve_clients: Entitlement,
    /// The assistant answers clients automatically (S4).
    pub assistant_auto_replies: Entitlement,
}

impl Entitlements {
    /// What `seller`, whose latest subscription is `subscription`, may do now.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let policy = Policy::default();
    /// let ana = Seller::new("ana", SellerLevel::Level2, false, policy.currency);
    /// let now = Entitlements::of(&ana, None, &policy); // never subscribed
    /// assert!(now.create_models.allowed() && now.train.allowed() && now.playground.allowed());
    /// assert_eq!(now.publish.refusal().unwrap().code(), "subscription_required");
    /// ```
    pub fn of(seller: &Seller, subscription: Option<&Subscription>, policy: &Policy) -> Self {
        let eligible = seller.ensure_eligible(policy);
        let active = |action: &str| Subscription::require_active(&seller.id, subscription, action);
        let not_lapsed = |action: &str| match subscription {
            None => Ok(()),
            some => Subscription::require_active(&seller.id, some, action),
        };
        Self {
            create_models: eligible.clone().into(),
            train: eligible.clone().and_then(|()| not_lapsed("train")).into(),
            playground: not_lapsed("generate").into(),
            publish: eligible.and_then(|()| active("publish")).into(),
            serve_clients: active("serve clients").into(),
            assistant_auto_replies: active("reply automatically").into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{to_wire, Wire};

    // R: S3 — a refusal reaches the bindings with its instants typed and the fields a
    // UI needs (code, rule, message, family), the same as the error's details.
    #[test]
    fn a_refusal_keeps_its_instants_typed_on_the_wire() {
        let ended_at = chrono::DateTime::UNIX_EPOCH;
        let ended = Error::SubscriptionEnded {
            subscription: "ana/sub-1".into(),
            ended_at,
        };
        let refused = Entitlement::from(Err::<(), _>(ended.clone()));
        let wire = to_wire(&refused).unwrap();
        let refusal = wire.get("refusal").unwrap();
        assert_eq!(refusal.get("ended_at"), Some(&Wire::Instant(ended_at)));
        assert_eq!(refusal.get("rule"), Some(&Wire::Str("S3".into())));
        assert_eq!(refusal.to_json(), ended.details());
        assert_eq!(wire.get("allowed"), Some(&Wire::Bool(false)));
    }
}
