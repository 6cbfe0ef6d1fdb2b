//! Evidence as data: every indicator declares the values of its evidence, its outcomes carry
//! exactly those, and every language has a template for each of its levels whose placeholders
//! are those values; Thai sentences rendered from real rows read as Thai.

mod common;

use std::collections::BTreeSet;

use redflags::evidence::{Catalogue, Field, Kind, Language, Level, Template};
use redflags::frames::Frames;
use redflags::indicators::{
    ORGANIZATION_ID, Outcome, PROCESS, PROCESSES, REGISTRY, ROLE, VALUE, find,
};
use redflags::locale::{Calendar, Lang};

/// The levels an indicator reports evidence at: the process level when it assesses processes,
/// the organization level when it flags organizations.
fn levels(slug: &str) -> Vec<Level> {
    let levels = find(slug).unwrap().metadata().levels;
    let mut evidence = Vec::new();
    if levels.contains(&"process") {
        evidence.push(Level::Process);
    }
    if levels.iter().any(|level| *level != "process") {
        evidence.push(Level::Organization);
    }
    evidence
}

/// The placeholders of a level's template and of the phrases of its code fields, and the
/// fields its money amounts name as their currency: every field the sentence reads.
fn read_fields(
    template: &Template,
    catalogue: &Catalogue,
    slug: &str,
    fields: &[Field],
) -> BTreeSet<String> {
    let templates = &catalogue.indicators[slug];
    let mut read: BTreeSet<String> = template.placeholders().map(str::to_owned).collect();
    for field in fields {
        if !read.contains(field.name) {
            continue;
        }
        if let Kind::Code(codes) | Kind::Codes(codes) = field.kind {
            for code in codes {
                let phrase = templates
                    .codes
                    .get(field.name)
                    .and_then(|phrases| phrases.get(*code))
                    .unwrap_or_else(|| panic!("{slug}: no phrase for {}={code}", field.name));
                read.extend(phrase.placeholders().map(str::to_owned));
            }
        }
    }
    for field in fields {
        if let Kind::Money(currency) = field.kind
            && read.contains(field.name)
        {
            read.insert(currency.to_owned());
        }
    }
    read
}

#[test]
fn every_indicator_has_a_template_per_level_and_language_reading_its_declared_fields() {
    for lang in [Lang::En, Lang::Th] {
        let catalogue = Catalogue::of(lang);
        let slugs: BTreeSet<&str> = REGISTRY.iter().map(|i| i.metadata().slug).collect();
        for slug in catalogue.indicators.keys() {
            assert!(
                slugs.contains(slug.as_str()),
                "{lang:?}: templates of an unknown indicator {slug}"
            );
        }
        for indicator in REGISTRY {
            let metadata = indicator.metadata();
            let slug = metadata.slug;
            let templates = catalogue
                .indicators
                .get(slug)
                .unwrap_or_else(|| panic!("{lang:?}: no templates for {slug}"));
            let levels = levels(slug);
            for level in Level::ALL {
                let fields = metadata.evidence.fields(level);
                let Some(template) = templates.levels.get(level.key()) else {
                    assert!(
                        !levels.contains(&level),
                        "{lang:?}: {slug} has no {} template",
                        level.key()
                    );
                    assert!(
                        fields.is_empty(),
                        "{slug}: {} fields without the level",
                        level.key()
                    );
                    continue;
                };
                assert!(
                    levels.contains(&level),
                    "{lang:?}: {slug} has a {} template but no such level",
                    level.key()
                );
                let declared: BTreeSet<String> = fields.iter().map(|f| f.name.to_owned()).collect();
                assert_eq!(
                    declared.len(),
                    fields.len(),
                    "{slug}: a field declared twice"
                );
                let read = read_fields(template, catalogue, slug, fields);
                let undeclared: Vec<_> = read.difference(&declared).collect();
                let unread: Vec<_> = declared.difference(&read).collect();
                assert!(
                    undeclared.is_empty(),
                    "{lang:?} {slug} {}: undeclared placeholders {undeclared:?}",
                    level.key()
                );
                assert!(
                    unread.is_empty(),
                    "{lang:?} {slug} {}: fields no template reads {unread:?}",
                    level.key()
                );
                for field in fields {
                    if let Some(word) = field.missing {
                        assert!(
                            catalogue.words.contains_key(word),
                            "{lang:?}: no word {word} ({slug})"
                        );
                    }
                }
            }
            // No phrases for fields that are not codes.
            for field in templates.codes.keys() {
                let code = Level::ALL
                    .iter()
                    .flat_map(|level| metadata.evidence.fields(*level))
                    .any(|declared| {
                        declared.name == field
                            && matches!(declared.kind, Kind::Code(_) | Kind::Codes(_))
                    });
                assert!(
                    code,
                    "{lang:?} {slug}: phrases for {field}, which is not a code field"
                );
            }
        }
    }
    let english = Catalogue::of(Lang::En);
    let thai = Catalogue::of(Lang::Th);
    assert_eq!(
        english.words.keys().collect::<Vec<_>>(),
        thai.words.keys().collect::<Vec<_>>()
    );
}

use common::generated_frames as generated;

fn outcome(frames: &Frames, slug: &str) -> Outcome {
    find(slug)
        .unwrap()
        .run(frames, &toml::Table::new())
        .unwrap()
}

fn names(frame: &polars::prelude::DataFrame) -> Vec<String> {
    frame
        .get_column_names()
        .into_iter()
        .map(|name| name.to_string())
        .collect()
}

#[test]
fn outcomes_carry_exactly_the_declared_evidence_values() {
    let frames = generated();
    for indicator in REGISTRY {
        let metadata = indicator.metadata();
        let outcome = outcome(&frames, metadata.slug);
        let mut expected = vec![PROCESS.to_owned()];
        expected.extend(metadata.evidence.process.iter().map(|f| f.name.to_owned()));
        assert_eq!(names(&outcome.evidence), expected, "{}", metadata.slug);
        if outcome.organizations.height() > 0 {
            let mut expected: Vec<String> =
                [ROLE, ORGANIZATION_ID, VALUE].map(str::to_owned).into();
            if names(&outcome.organizations)
                .iter()
                .any(|name| name == PROCESSES)
            {
                expected.push(PROCESSES.to_owned());
            }
            expected.extend(
                metadata
                    .evidence
                    .organization
                    .iter()
                    .map(|f| f.name.to_owned()),
            );
            assert_eq!(names(&outcome.organizations), expected, "{}", metadata.slug);
        }
    }
}

/// The sentences of an indicator's flagged processes (or organizations) in `language`.
fn sentences(frames: &Frames, slug: &str, level: Level, language: &Language) -> Vec<String> {
    let outcome = outcome(frames, slug);
    let metadata = find(slug).unwrap().metadata();
    let frame = match level {
        Level::Process => outcome.evidence_sentences(metadata, language),
        Level::Organization => outcome.organizations_with_evidence(metadata, language),
    }
    .collect()
    .unwrap();
    frame
        .column("evidence")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|sentence| {
            sentence
                .unwrap_or_else(|| panic!("{slug}: a flagged row without a sentence"))
                .to_owned()
        })
        .collect()
}

fn thai_text(sentence: &str) -> bool {
    sentence
        .chars()
        .any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c))
}

#[test]
fn thai_sentences_from_real_rows_have_thai_words_buddhist_era_dates_and_grouped_amounts() {
    let frames = generated();
    let thai = Language::new(Lang::Th, Calendar::Buddhist);
    // A date: `16 ส.ค. 2567`, the year in the Buddhist Era.
    let short = sentences(&frames, "short_tender_period", Level::Process, &thai);
    let english = sentences(
        &frames,
        "short_tender_period",
        Level::Process,
        &Language::english(),
    );
    assert!(!short.is_empty());
    assert_eq!(short.len(), english.len());
    for sentence in &short {
        assert!(sentence.starts_with("ระยะเวลาเสนอราคา "), "{sentence}");
        assert!(buddhist_year(sentence), "{sentence}");
        assert!(
            !sentence.contains("-0") && !sentence.contains(" to "),
            "{sentence}"
        );
    }
    // Amounts with thousands separators: `10,474,310.12 THB`.
    let near = sentences(&frames, "near_estimate", Level::Process, &thai);
    assert!(!near.is_empty());
    for sentence in &near {
        assert!(sentence.starts_with("มูลค่าที่ได้รับการคัดเลือก "), "{sentence}");
        assert!(has_grouped_amount(sentence), "{sentence}");
    }
    // A code in Thai words, a date in a pair's evidence, and an organization's sentence.
    let single = sentences(&frames, "single_bid", Level::Process, &thai);
    assert!(!single.is_empty());
    assert!(
        single
            .iter()
            .all(|s| thai_text(s)
                && (s.contains("จำนวนผู้ยื่นข้อเสนอที่ประกาศ") || s.contains("ข้อเสนอที่ยื่น"))),
        "{single:?}"
    );
    let winners = sentences(&frames, "repeat_winner", Level::Organization, &thai);
    assert!(!winners.is_empty());
    assert!(
        winners
            .iter()
            .all(|s| s.contains("ได้รับการคัดเลือก") && buddhist_year(s)),
        "{winners:?}"
    );
    // English with the Buddhist Era (`--calendar buddhist`): ISO dates with the Buddhist year.
    let english_buddhist = Language::new(Lang::En, Calendar::Buddhist);
    for sentence in sentences(
        &frames,
        "short_tender_period",
        Level::Process,
        &english_buddhist,
    ) {
        assert!(sentence.starts_with("tender period of "), "{sentence}");
        assert!(buddhist_year(&sentence), "{sentence}");
    }
}

/// Whether a text has a year of the Buddhist Era of this century's data (2540–2599).
fn buddhist_year(text: &str) -> bool {
    let digits: Vec<char> = text.chars().collect();
    digits.windows(4).enumerate().any(|(i, window)| {
        window.iter().all(char::is_ascii_digit)
            && window[0] == '2'
            && window[1] == '5'
            && ('4'..='9').contains(&window[2])
            && digits.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
            && (i == 0 || !digits[i - 1].is_ascii_digit())
    })
}

/// Whether a text has an amount of a thousand or more written with thousands separators.
fn has_grouped_amount(text: &str) -> bool {
    text.split(' ').any(|word| {
        let groups: Vec<&str> = word.split('.').next().unwrap_or("").split(',').collect();
        groups.len() >= 2
            && groups[0].chars().all(|c| c.is_ascii_digit())
            && !groups[0].is_empty()
            && groups[1..]
                .iter()
                .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
    })
}
