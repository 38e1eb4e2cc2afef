//! The hub's synchronous commands: each returns `{value, events}` or throws the
//! core's error.

use fivergo_core::ids::{AssetId, GenerationId, JobId, ModelId, OrderId, PaymentMethodId};
use fivergo_core::model::{Placement, ReportTarget};
use fivergo_core::seller::{PaymentMethod, SellerLevel};
use fivergo_core::GenerationRequest;
use fivergo_core::Modality;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use serde_json::Value;

use crate::error::{reply, Reply};
use crate::hub::{id, unit, wire, Hub};
use crate::inputs::{self, OfferInput, PaymentMethodInput, PlacementInput};
use crate::js::{artifact, money, parse_enum, parse_json, Js};

fn ids<T: From<String>>(list: Vec<String>) -> Vec<T> {
    list.into_iter().map(T::from).collect()
}

fn strs(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

#[napi]
impl Hub {
    // ----- sellers (E) ----------------------------------------------------------------

    /// Registers a seller.
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn register_seller(
        &self,
        seller: String,
        #[napi(ts_arg_type = "SellerLevel")] level: String,
        pro: Option<bool>,
    ) -> Reply {
        reply(|| {
            let level: SellerLevel = parse_enum("level", &level)?;
            self.command(
                |h| h.register_seller(&seller, level, pro.unwrap_or(false)),
                unit,
            )
        })
    }

    /// Changes a seller's level or Pro flag; dropping below eligibility unpublishes (E2).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn set_seller_level(
        &self,
        seller: String,
        #[napi(ts_arg_type = "SellerLevel")] level: String,
        pro: Option<bool>,
    ) -> Reply {
        reply(|| {
            let level: SellerLevel = parse_enum("level", &level)?;
            self.command(
                |h| h.set_seller_level(&seller, level, pro.unwrap_or(false)),
                unit,
            )
        })
    }

    /// Records a Gig of the seller in `subcategory` (C2).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn add_gig(&self, seller: String, subcategory: String) -> Reply {
        reply(|| self.command(|h| h.add_gig(&seller, &subcategory), unit))
    }

    /// Adds money to the seller's balance (S2).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn credit_balance(
        &self,
        seller: String,
        #[napi(ts_arg_type = "MoneyInput")] amount: Value,
    ) -> Reply {
        reply(|| {
            self.command(
                |h| h.credit_balance(&seller, money(&amount, h.policy().currency)?),
                unit,
            )
        })
    }

    /// Stores a card or PayPal account (S2).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn add_payment_method(&self, seller: String, method: PaymentMethodInput) -> Reply {
        reply(|| {
            let kind = parse_enum("kind", &method.kind)?;
            let label = method.label.unwrap_or_else(|| method.kind.clone());
            self.command(
                |h| h.add_payment_method(&seller, PaymentMethod::new(method.id, kind, label)),
                unit,
            )
        })
    }

    // ----- assets (A) -----------------------------------------------------------------

    /// Adds an asset with metadata the host measured (A1); resolves to its id.
    #[napi(catch_unwind, ts_return_type = "Outcome<string>")]
    pub fn add_asset(
        &self,
        seller: String,
        #[napi(ts_arg_type = "AssetSourceInput")] source: Value,
        #[napi(ts_arg_type = "Modality")] modality: String,
        #[napi(ts_arg_type = "AssetMetaInput")] meta: Option<Value>,
        tags: Option<Vec<String>>,
    ) -> Reply {
        reply(|| {
            let (source, meta) = (inputs::source(source)?, inputs::meta(meta)?);
            let modality: Modality = parse_enum("modality", &modality)?;
            let tags = tags.unwrap_or_default();
            self.command(
                |h| h.add_asset(&seller, source, modality, meta, &strs(&tags)),
                id,
            )
        })
    }

    /// Uploads a file (PNG, JPEG, WebP, WAV or UTF-8 text): decoded, measured and
    /// stored (A3, A4, A8); resolves to the asset id.
    #[napi(catch_unwind, ts_return_type = "Outcome<string>")]
    pub fn upload_asset(
        &self,
        seller: String,
        #[napi(ts_arg_type = "AssetSourceInput")] source: Value,
        file: Buffer,
        file_name: Option<String>,
        tags: Option<Vec<String>>,
    ) -> Reply {
        reply(|| {
            let source = inputs::source(source)?;
            let tags = tags.unwrap_or_default();
            self.command(
                |h| h.upload_asset(&seller, source, &file, file_name.as_deref(), &strs(&tags)),
                id,
            )
        })
    }

    /// Adds and removes tags (A6); models using the asset go stale (A7).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn tag_asset(
        &self,
        seller: String,
        asset: String,
        add: Vec<String>,
        remove: Option<Vec<String>>,
    ) -> Reply {
        reply(|| {
            let remove = remove.unwrap_or_default();
            self.command(
                |h| h.tag_asset(&seller, &AssetId::from(asset), &strs(&add), &strs(&remove)),
                unit,
            )
        })
    }

    /// Selects assets for a model: all pass the hard limits or none is selected (A3).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn select_assets(&self, seller: String, model: String, assets: Vec<String>) -> Reply {
        reply(|| {
            self.command(
                |h| h.select_assets(&seller, &ModelId::from(model), &ids(assets)),
                unit,
            )
        })
    }

    /// Selects "All" (A2); the value lists the skipped assets with their error.
    #[napi(catch_unwind, ts_return_type = "Outcome<SkippedAsset[]>")]
    pub fn select_all_assets(&self, seller: String, model: String) -> Reply {
        reply(|| {
            self.command(
                |h| h.select_all_assets(&seller, &ModelId::from(model)),
                |skipped| {
                    let items = skipped.iter().map(|(a, e)| {
                        Js::Obj(vec![
                            (c"asset", Js::str(a.to_string())),
                            (c"code", Js::str(e.code())),
                            (c"rule", e.rule().map_or(Js::NULL, Js::str)),
                            (c"message", Js::str(e.to_string())),
                        ])
                    });
                    Ok(Js::List(items.collect()))
                },
            )
        })
    }

    /// Removes assets from a model's selection (A7).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn deselect_assets(&self, seller: String, model: String, assets: Vec<String>) -> Reply {
        reply(|| {
            self.command(
                |h| h.deselect_assets(&seller, &ModelId::from(model), &ids(assets)),
                unit,
            )
        })
    }

    /// Sets or clears (`null`) the seller's instructions (A5).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn set_instructions(
        &self,
        seller: String,
        model: String,
        instructions: Option<String>,
    ) -> Reply {
        reply(|| {
            self.command(
                |h| h.set_instructions(&seller, &ModelId::from(model), instructions.as_deref()),
                unit,
            )
        })
    }

    /// Attests that every asset is the seller's own original work (A9).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn attest_originality(&self, seller: String, model: String) -> Reply {
        reply(|| {
            self.command(
                |h| h.attest_originality(&seller, &ModelId::from(model)),
                unit,
            )
        })
    }

    // ----- models (C, M) ----------------------------------------------------------------

    /// Creates a draft model (E1, C1, C2); resolves to its id.
    #[napi(catch_unwind, ts_return_type = "Outcome<string>")]
    pub fn create_model(&self, seller: String, subcategory: String) -> Reply {
        reply(|| self.command(|h| h.create_model(&seller, &subcategory), id))
    }

    /// Sets the price (P1–P5).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn set_price(
        &self,
        seller: String,
        model: String,
        #[napi(ts_arg_type = "PriceSpecInput")] price: Value,
    ) -> Reply {
        reply(|| {
            self.command(
                |h| {
                    h.set_price(
                        &seller,
                        &ModelId::from(model),
                        inputs::price(price, h.policy().currency)?,
                    )
                },
                unit,
            )
        })
    }

    /// Sets the Gigs and profile placement (M4).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn set_placement(&self, seller: String, model: String, placement: PlacementInput) -> Reply {
        reply(|| {
            let placement = Placement {
                gigs: placement.gigs.into_iter().collect(),
                on_profile: placement.on_profile.unwrap_or(false),
            };
            self.command(
                |h| h.set_placement(&seller, &ModelId::from(model), placement),
                unit,
            )
        })
    }

    /// Publishes the model, or throws with every unmet requirement (M1, M2).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn publish(&self, seller: String, model: String) -> Reply {
        reply(|| self.command(|h| h.publish(&seller, &ModelId::from(model)), unit))
    }

    /// Withdraws a published model (M3).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn unpublish(&self, seller: String, model: String) -> Reply {
        reply(|| self.command(|h| h.unpublish(&seller, &ModelId::from(model)), unit))
    }

    /// Archives the model (M3).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn archive(&self, seller: String, model: String) -> Reply {
        reply(|| self.command(|h| h.archive(&seller, &ModelId::from(model)), unit))
    }

    /// Reports an issue with a model, or with one of its creations when `order` is
    /// given (M6).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn report_issue(
        &self,
        reporter: String,
        model: String,
        text: String,
        order: Option<String>,
    ) -> Reply {
        reply(|| {
            let target = order.map_or(ReportTarget::Model, |o| ReportTarget::Creation {
                order: OrderId::from(o),
            });
            self.command(
                |h| h.report_issue(&reporter, &ModelId::from(model), target, &text),
                unit,
            )
        })
    }

    // ----- training (T) -------------------------------------------------------------------

    /// Queues a training (quota taken, T1–T5); resolves to the job id. Run it with
    /// `runTraining`.
    #[napi(catch_unwind, ts_return_type = "Outcome<string>")]
    pub fn start_training(&self, seller: String, model: String) -> Reply {
        reply(|| self.command(|h| h.start_training(&seller, &ModelId::from(model)), id))
    }

    /// Cancels a queued training; its quota comes back (T4).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn cancel_training(&self, seller: String, job: String) -> Reply {
        reply(|| self.command(|h| h.cancel_training(&seller, &JobId::from(job)), unit))
    }

    // ----- jobs for workers -----------------------------------------------------------------

    /// Queues a generation for a worker (`workOnce`, `runWorker`): checked now and
    /// again when a worker starts it. Resolves to the generation id.
    #[napi(catch_unwind, ts_return_type = "Outcome<string>")]
    pub fn queue_generation(
        &self,
        #[napi(ts_arg_type = "GenerationRequest")] request: Value,
    ) -> Reply {
        reply(|| {
            let request: GenerationRequest = parse_json("request", request)?;
            self.command(|h| h.queue_generation(request), id)
        })
    }

    /// Cancels a queued generation; only whoever asked for it may.
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn cancel_generation(&self, actor: String, job: String) -> Reply {
        reply(|| {
            self.command(
                |h| h.cancel_generation(&actor, &GenerationId::from(job)),
                unit,
            )
        })
    }

    // ----- subscription (S) ----------------------------------------------------------------

    /// Subscribes; the first month is charged to `method` (S1, S2).
    #[napi(catch_unwind, ts_return_type = "Outcome<string>")]
    pub fn subscribe(&self, seller: String, method: String) -> Reply {
        reply(|| self.command(|h| h.subscribe(&seller, &PaymentMethodId::from(method)), id))
    }

    /// Renews if due; the current period's charge or `null` (S5).
    #[napi(catch_unwind, ts_return_type = "Outcome<Charge | null>")]
    pub fn renew_subscription(&self, seller: String) -> Reply {
        reply(|| self.command(|h| h.renew_subscription(&seller), wire))
    }

    /// Pays a past-due renewal (S2).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn pay_past_due(&self, seller: String) -> Reply {
        reply(|| self.command(|h| h.pay_past_due(&seller), unit))
    }

    /// Cancels at the end of the paid cycle; resolves to that instant (S3).
    #[napi(catch_unwind, ts_return_type = "Outcome<Date>")]
    pub fn cancel_subscription(&self, seller: String) -> Reply {
        reply(|| self.command(|h| h.cancel_subscription(&seller), |at| Ok(Js::date(at))))
    }

    /// Takes a cancellation back (S3).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn resume_subscription(&self, seller: String) -> Reply {
        reply(|| self.command(|h| h.resume_subscription(&seller), unit))
    }

    // ----- orders (G, V, F, R, D) --------------------------------------------------------------

    /// Custom-offer path (G3, V2); resolves to the order id.
    #[napi(catch_unwind, ts_return_type = "Outcome<string>")]
    pub fn contact_seller(
        &self,
        client: String,
        model: String,
        #[napi(ts_arg_type = "BriefInput")] brief: Value,
    ) -> Reply {
        reply(|| {
            let brief = inputs::brief(brief)?;
            self.command(
                |h| h.contact_seller(&client, &ModelId::from(model), brief),
                id,
            )
        })
    }

    /// The seller's custom offer (V2).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn send_custom_offer(&self, seller: String, order: String, offer: OfferInput) -> Reply {
        reply(|| {
            self.command(
                |h| {
                    h.send_custom_offer(
                        &seller,
                        &OrderId::from(order),
                        inputs::offer(&offer, h.policy().currency)?,
                    )
                },
                unit,
            )
        })
    }

    /// The client approves the current delivery (G1, R2).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn approve(&self, client: String, order: String) -> Reply {
        reply(|| self.command(|h| h.approve(&client, &OrderId::from(order)), unit))
    }

    /// The host records the client's payment of the order's price (G1).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn record_payment(
        &self,
        client: String,
        order: String,
        #[napi(ts_arg_type = "MoneyInput")] amount: Value,
    ) -> Reply {
        reply(|| {
            self.command(
                |h| {
                    h.record_payment(
                        &client,
                        &OrderId::from(order),
                        money(&amount, h.policy().currency)?,
                    )
                },
                unit,
            )
        })
    }

    /// The clean file of an approved and paid order (G1, D2).
    #[napi(catch_unwind, ts_return_type = "Outcome<Artifact>")]
    pub fn download(&self, client: String, order: String) -> Reply {
        reply(|| {
            self.command(
                |h| h.download(&client, &OrderId::from(order)),
                |a| Ok(artifact(&a)?),
            )
        })
    }

    /// Always refused: AI creations have no source file (G4).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn request_source_file(&self, actor: String, order: String) -> Reply {
        reply(|| {
            self.command(
                |h| h.request_source_file(&actor, &OrderId::from(order)),
                unit,
            )
        })
    }

    /// The client accepts the released delivery without edits (R3).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn accept_delivery(&self, client: String, order: String) -> Reply {
        reply(|| self.command(|h| h.accept_delivery(&client, &OrderId::from(order)), unit))
    }

    /// Rates and reviews an order that had an edit (R2, R3).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn review(&self, client: String, order: String, stars: f64, text: String) -> Reply {
        reply(|| {
            let stars = inputs::whole("stars", stars, 0.0, 255.0)? as u8;
            self.command(
                |h| h.review(&client, &OrderId::from(order), stars, &text),
                unit,
            )
        })
    }

    /// Always refused: no full refunds for AI-generated assets (F1).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn request_full_refund(&self, client: String, order: String) -> Reply {
        reply(|| {
            self.command(
                |h| h.request_full_refund(&client, &OrderId::from(order)),
                unit,
            )
        })
    }

    /// A partial refund of the work beyond the AI generation (F2).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn issue_partial_refund(
        &self,
        seller: String,
        order: String,
        #[napi(ts_arg_type = "MoneyInput")] amount: Value,
    ) -> Reply {
        reply(|| {
            self.command(
                |h| {
                    h.issue_partial_refund(
                        &seller,
                        &OrderId::from(order),
                        money(&amount, h.policy().currency)?,
                    )
                },
                unit,
            )
        })
    }

    /// The client makes a paid delivery public (usable for training) or private (D2, D3).
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn set_delivery_public(&self, client: String, order: String, public: bool) -> Reply {
        reply(|| {
            self.command(
                |h| h.set_delivery_public(&client, &OrderId::from(order), public),
                unit,
            )
        })
    }
}
