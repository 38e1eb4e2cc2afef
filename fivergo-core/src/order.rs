//! Client orders (SPEC G1–G5, V1–V2, F1–F2, R1–R3, D2–D3).
//!
//! Two paths (G3): an immediate download, priced by the model's quote and including
//! one revision within 24 h of download (V1); or a custom offer the seller sends
//! after the client makes contact, with its own terms (V2). Either way the client
//! first sees a watermarked draft; the clean file is released only once the client
//! has approved the delivery and the payment completed (G1).

use crate::error::Error;
use crate::generator::Brief;
use crate::ids::{ArtifactId, ClientId, ModelId, OrderId, SellerId};
use crate::money::Money;
use crate::policy::Policy;
use crate::pricing::Quote;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The client's path (G3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderPath {
    /// Buy the generation for immediate download, one revision included (V1).
    ImmediateDownload,
    /// Contact the seller, who may answer with a custom offer (V2).
    CustomOffer,
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// The client contacted the seller; no offer yet.
    OfferRequested,
    /// The seller sent a custom offer.
    OfferSent,
    /// A watermarked draft is delivered; awaiting approval and payment.
    Drafted,
    /// Approved and paid: the clean file can be downloaded.
    Released,
    /// The client asked for the included revision.
    RevisionRequested,
    /// A revised watermarked draft awaits the client's approval.
    RevisionDelivered,
    /// The client approved the final delivery (or accepted without edits).
    Completed,
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        f.write_str(&s)
    }
}

/// The terms of a custom offer (V2).
///
/// ```
/// use fivergo_core::*;
/// let offer = CustomOffer {
///     price: Money::parse("120", Currency::Usd).unwrap(),
///     non_ai_work: Money::parse("50", Currency::Usd).unwrap(),
///     revisions: 2, revision_window_hours: 72, terms: "hand-finished linework".into(),
/// };
/// assert_eq!(offer.revisions, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomOffer {
    /// The total price.
    pub price: Money,
    /// The part of the price for work beyond the AI generation (F2).
    pub non_ai_work: Money,
    /// Revisions the offer includes.
    pub revisions: u32,
    /// Hours after download during which they may be requested.
    pub revision_window_hours: u32,
    /// Free-text terms.
    pub terms: String,
}

/// A client's review (R2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// 1 to 5 stars.
    pub stars: u8,
    /// The text.
    pub text: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A client order for a model's generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Minted by the hub.
    pub id: OrderId,
    /// Its rank among the hub's orders (part of its drafts' payloads, W2).
    pub seq: u64,
    /// The invisible payload of each draft delivered, in order; `None` where the
    /// content could not hold one (W2).
    pub draft_payloads: Vec<Option<u64>>,
    /// The buyer, who owns the delivery once paid (D2).
    pub client: ClientId,
    /// The model's owner.
    pub seller: SellerId,
    /// The model.
    pub model: ModelId,
    /// Immediate download or custom offer.
    pub path: OrderPath,
    /// What the client asked for.
    pub brief: Brief,
    /// The generation seed (revisions derive theirs from it).
    pub seed: u64,
    /// Where it stands.
    pub status: OrderStatus,
    /// The quote (immediate download).
    pub quote: Option<Quote>,
    /// The offer (custom offer path).
    pub offer: Option<CustomOffer>,
    /// The watermarked draft currently delivered.
    pub draft: Option<ArtifactId>,
    /// The clean file, held back until approved and paid (G1).
    pub clean: Option<ArtifactId>,
    /// The client approved the current delivery.
    pub approved: bool,
    /// When the payment completed.
    pub paid_at: Option<DateTime<Utc>>,
    /// When the clean file was first downloaded (starts the revision window).
    pub downloaded_at: Option<DateTime<Utc>>,
    /// Revision requests made, with the client's notes.
    pub revision_notes: Vec<String>,
    /// When the client approved the final delivery or accepted it.
    pub completed_at: Option<DateTime<Utc>>,
    /// The review, if any (R2).
    pub review: Option<Review>,
    /// Whether the client made the delivery public (D3).
    pub delivery_public: bool,
    /// Partial refunds issued so far (F2).
    pub refunded: Money,
    /// When the order was created.
    pub created_at: DateTime<Utc>,
}

impl Order {
    /// The amount the client pays.
    pub fn price(&self) -> Option<Money> {
        match self.path {
            OrderPath::ImmediateDownload => self.quote.as_ref().map(|q| q.total),
            OrderPath::CustomOffer => self.offer.as_ref().map(|o| o.price),
        }
    }

    /// The part of the price beyond the AI generation (zero for immediate downloads).
    pub fn non_ai_work(&self) -> Money {
        self.offer.as_ref().map(|o| o.non_ai_work).unwrap_or(Money::zero(self.refunded.currency()))
    }

    /// R1: fully AI-generated orders never count in the Success Score or order
    /// completion rate; an offer with other work in it does.
    pub fn counts_in_success_score(&self) -> bool {
        self.non_ai_work().is_positive()
    }

    /// Whether the client asked for (and so received) an edit.
    pub fn edited(&self) -> bool {
        !self.revision_notes.is_empty()
    }

    /// D2: who owns the delivery — the client, once paid.
    pub fn delivery_owner(&self) -> Option<&ClientId> {
        self.paid_at.map(|_| &self.client)
    }

    /// Approved and paid: the clean file may leave (G1).
    pub fn is_released(&self) -> bool {
        self.approved && self.paid_at.is_some()
    }

    /// Only the order's client may act as the client (D2).
    pub fn ensure_client(&self, client: &ClientId) -> Result<(), Error> {
        if &self.client == client {
            Ok(())
        } else {
            Err(Error::Forbidden { actor: client.to_string(), entity: "order".into(), id: self.id.to_string(), rule: "D2" })
        }
    }

    /// Only the order's seller may act as the seller.
    pub fn ensure_seller(&self, seller: &SellerId) -> Result<(), Error> {
        if &self.seller == seller {
            Ok(())
        } else {
            Err(Error::Forbidden { actor: seller.to_string(), entity: "order".into(), id: self.id.to_string(), rule: "D1" })
        }
    }

    /// `invalid_order_state` unless the order is in one of `allowed`.
    pub fn ensure_status(&self, allowed: &[OrderStatus], action: &str) -> Result<(), Error> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(Error::InvalidOrderState { order: self.id.clone(), status: self.status.to_string(), action: action.into() })
        }
    }

    /// `not_approved_and_paid` unless the clean file may be released (G1).
    pub fn ensure_released(&self) -> Result<(), Error> {
        if self.is_released() {
            Ok(())
        } else {
            Err(Error::NotApprovedAndPaid { order: self.id.clone(), approved: self.approved, paid: self.paid_at.is_some() })
        }
    }

    /// How many revisions the order includes and their window (V1, V2).
    pub fn revision_terms(&self, policy: &Policy) -> (u32, u32) {
        match &self.offer {
            Some(o) => (o.revisions, o.revision_window_hours),
            None => (policy.orders.included_revisions, policy.orders.revision_window_hours),
        }
    }

    /// The last instant a revision may be requested, once downloaded (V1).
    pub fn revision_deadline(&self, policy: &Policy) -> Option<DateTime<Utc>> {
        let (_, hours) = self.revision_terms(policy);
        self.downloaded_at.map(|d| d + Duration::hours(i64::from(hours)))
    }

    /// V1: one revision, requested within the window after download.
    ///
    /// ```
    /// # use fivergo_core::*;
    /// # let order: Order = serde_json::from_value(serde_json::json!({
    /// #   "id": "order-1", "seq": 1, "draft_payloads": [], "client": "bob", "seller": "ana", "model": "model-1",
    /// #   "path": "immediate_download", "brief": {"text": "x", "quantity": 1}, "seed": 1,
    /// #   "status": "released", "quote": null, "offer": null, "draft": null, "clean": null,
    /// #   "approved": true, "paid_at": "2026-01-01T00:00:00Z", "downloaded_at": "2026-01-01T00:00:00Z",
    /// #   "revision_notes": [], "completed_at": null, "review": null, "delivery_public": false,
    /// #   "refunded": {"amount": "0", "currency": "USD"}, "created_at": "2026-01-01T00:00:00Z"})).unwrap();
    /// let p = Policy::default();
    /// assert!(order.check_revision(&p, "2026-01-01T23:59:59Z".parse().unwrap()).is_ok());
    /// let late = order.check_revision(&p, "2026-01-02T00:00:01Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(late.code(), "revision_not_allowed");
    /// ```
    pub fn check_revision(&self, policy: &Policy, now: DateTime<Utc>) -> Result<(), Error> {
        let (limit, _) = self.revision_terms(policy);
        let used = self.revision_notes.len() as u32;
        let deadline = self.revision_deadline(policy);
        let refuse = |reason: &str| {
            Err(Error::RevisionNotAllowed { order: self.id.clone(), reason: reason.into(), used, limit, deadline })
        };
        if used >= limit {
            return refuse(&format!("the order includes {limit} revision(s), already used"));
        }
        // A revised draft may be revised again, before its approval, when the terms
        // include more than one revision (V2).
        if !matches!(self.status, OrderStatus::Released | OrderStatus::RevisionDelivered) {
            return refuse(&format!("the order is {}; revisions follow a download", self.status));
        }
        match deadline {
            None => refuse("the delivery has not been downloaded yet"),
            Some(d) if now > d => refuse(&format!("the revision window closed at {}", d.format("%Y-%m-%d %H:%M UTC"))),
            Some(_) => Ok(()),
        }
    }

    /// F2: a partial refund of `amount` must fit within the remaining non-AI work.
    pub fn check_partial_refund(&self, amount: Money) -> Result<(), Error> {
        if !amount.is_positive() {
            return Err(Error::invalid("amount", "a refund must be positive"));
        }
        let max = self.non_ai_work().minus(self.refunded)?;
        if self.paid_at.is_none() || amount.cmp_amount(&max)? == std::cmp::Ordering::Greater {
            let max = if self.paid_at.is_none() { Money::zero(max.currency()) } else { max };
            return Err(Error::PartialRefundNotAllowed { order: self.id.clone(), requested: amount, max });
        }
        Ok(())
    }

    /// R2, R3: a review needs an edit and the approval of the final delivery.
    pub fn check_review(&self, stars: u8) -> Result<(), Error> {
        let refuse = |reason: &str, rule| Err(Error::ReviewNotAllowed { order: self.id.clone(), reason: reason.into(), rule });
        if self.status != OrderStatus::Completed {
            return refuse("the client has not approved the final delivery", "R2");
        }
        if !self.edited() {
            return refuse("delivery accepted without edits cannot be reviewed", "R3");
        }
        if self.review.is_some() {
            return refuse("the order is already reviewed", "R2");
        }
        if !(1..=5).contains(&stars) {
            return Err(Error::invalid("stars", format!("must be 1 to 5, got {stars}")));
        }
        Ok(())
    }
}
