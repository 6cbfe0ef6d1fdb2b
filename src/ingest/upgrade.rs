//! Upgrades the OCDS 1.0 shapes the frames read to OCDS 1.1.
//!
//! - `amendment` (one object, on the tender, awards and contracts) becomes `amendments`;
//! - an organization reference with no `id` gets one from its identifier (`scheme-id`), as
//!   the OCDS 1.1 upgrade guidance does;
//! - a transaction's `amount` becomes its `value`.

use super::lenient::Field;
use super::model::{Amendment, OrganizationReference, Release};

/// Upgrades one release in place. Applying it to a 1.1 release changes nothing.
pub fn upgrade(release: &mut Release) {
    if let Some(buyer) = release.buyer.get_mut() {
        identify(buyer);
    }
    for party in release.parties.get_mut().into_iter().flatten() {
        if !party.id.is_set() {
            party.id = identifier_id(&party.identifier);
        }
    }
    if let Some(tender) = release.tender.get_mut() {
        fold_amendment(&mut tender.amendments, &mut tender.amendment);
        if let Some(entity) = tender.procuring_entity.get_mut() {
            identify(entity);
        }
        tender
            .tenderers
            .get_mut()
            .into_iter()
            .flatten()
            .for_each(identify);
    }
    if let Some(bids) = release.bids.get_mut() {
        for bid in bids.details.get_mut().into_iter().flatten() {
            bid.tenderers
                .get_mut()
                .into_iter()
                .flatten()
                .for_each(identify);
        }
    }
    for award in release.awards.get_mut().into_iter().flatten() {
        fold_amendment(&mut award.amendments, &mut award.amendment);
        award
            .suppliers
            .get_mut()
            .into_iter()
            .flatten()
            .for_each(identify);
    }
    for contract in release.contracts.get_mut().into_iter().flatten() {
        fold_amendment(&mut contract.amendments, &mut contract.amendment);
        if let Some(implementation) = contract.implementation.get_mut() {
            for transaction in implementation.transactions.get_mut().into_iter().flatten() {
                if !transaction.value.is_set() && transaction.amount.is_set() {
                    transaction.value = std::mem::take(&mut transaction.amount);
                }
            }
        }
    }
}

fn identifier_id(identifier: &Field<super::model::Identifier>) -> Field<super::lenient::Text> {
    let Some(identifier) = identifier.get() else {
        return Field::Absent;
    };
    match (identifier.scheme.str(), identifier.id.str()) {
        (Some(scheme), Some(id)) => Field::Set(compact_str::format_compact!("{scheme}-{id}")),
        (None, Some(id)) => Field::Set(id.into()),
        _ => Field::Absent,
    }
}

fn identify(reference: &mut OrganizationReference) {
    if !reference.id.is_set() {
        reference.id = identifier_id(&reference.identifier);
    }
}

fn fold_amendment(amendments: &mut Field<Vec<Amendment>>, amendment: &mut Field<Amendment>) {
    if let Some(single) = amendment.take() {
        match amendments.get_mut() {
            Some(list) if !list.is_empty() => {}
            _ => *amendments = Field::Set(vec![single]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocds_1_0_shapes_are_upgraded() {
        let mut release: Release = serde_json::from_str(
            r#"{"ocid":"a","buyer":{"identifier":{"scheme":"UA-EDR","id":"123"},"name":"B"},
                "contracts":[{"id":"c","amendment":{"date":"2016-01-01","changes":[]},
                  "implementation":{"transactions":[{"id":"t","amount":{"amount":5,"currency":"UAH"}}]}}]}"#,
        )
        .unwrap();
        upgrade(&mut release);
        assert_eq!(release.buyer.get().unwrap().id.str(), Some("UA-EDR-123"));
        let contract = &release.contracts.items()[0];
        assert_eq!(contract.amendments.items().len(), 1);
        assert!(!contract.amendment.is_set());
        let transaction = &contract.implementation.get().unwrap().transactions.items()[0];
        assert_eq!(transaction.value.get().unwrap().amount.get(), Some(&5.0));
    }
}
