//! The languages of the built-in pages and mails: Project Fluent catalogs (`locales/*.ftl`, one
//! per language, compiled in), operator files that add a language or override messages, and
//! the choice of a language for each request.
//!
//! A request's language is, in order: a `?lang=` on a page (remembered in a cookie), that
//! cookie, the browser's `Accept-Language`, the configured default. Each is matched against
//! the languages there are (`de-AT` finds `de`); what matches nothing is passed over. A message
//! a language lacks is shown in English, the reference catalog.
//!
//! Every catalog is checked when the configuration is built: it parses, and a built-in
//! message uses no variable the English one does not have (a typo there would otherwise show
//! as an error text in a page).

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use unic_langid::{CharacterDirection, LanguageIdentifier};

/// The catalogs that ship, English first (the reference every other falls back to).
const BUILT_IN: [(&str, &str); 8] = [
    ("en", include_str!("../locales/en.ftl")),
    ("de", include_str!("../locales/de.ftl")),
    ("fr", include_str!("../locales/fr.ftl")),
    ("es", include_str!("../locales/es.ftl")),
    ("pt-BR", include_str!("../locales/pt-BR.ftl")),
    ("ja", include_str!("../locales/ja.ftl")),
    ("zh-CN", include_str!("../locales/zh-CN.ftl")),
    ("ar", include_str!("../locales/ar.ftl")),
];

/// How many `Accept-Language` entries are read; browsers send a handful.
const MAX_ACCEPTED: usize = 16;
/// How deep an operator's catalog may nest placeables (`{ { … } }`); ours use 1.
const MAX_NESTING: usize = 16;
/// The longest language tag read from a query or a cookie.
const MAX_TAG_LEN: usize = 35;

/// The languages of the pages and mails: the built-in catalogs, the default language, and any
/// catalogs the operator adds.
///
/// ```
/// use authrs_core::i18n::Languages;
///
/// let languages = Languages::new()
///     .default_language("de")
///     // Adds Italian (missing messages show in English) …
///     .add("it", "it.ftl", "sign-in-title = Accedi\n")
///     // … and overrides one English message.
///     .add("en", "en.ftl", "sign-in-title = Welcome back\n");
/// # let _ = languages;
/// ```
#[derive(Clone)]
pub struct Languages {
    default: String,
    added: Vec<Added>,
}

#[derive(Clone)]
struct Added {
    tag: String,
    origin: String,
    source: String,
}

impl fmt::Debug for Languages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Languages")
            .field("default", &self.default)
            .field(
                "added",
                &self.added.iter().map(|a| &a.origin).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Default for Languages {
    fn default() -> Self {
        Self::new()
    }
}

impl Languages {
    /// The built-in languages, with English as the default.
    pub fn new() -> Self {
        Self {
            default: "en".to_owned(),
            added: Vec::new(),
        }
    }

    /// The language of a request that asks for none the server has (a BCP 47 tag, checked
    /// when the configuration is built).
    pub fn default_language(mut self, tag: impl Into<String>) -> Self {
        self.default = tag.into();
        self
    }

    /// Adds a catalog in Fluent's syntax for the language `tag`. For a language that exists,
    /// its messages replace the ones they name; otherwise it is a new language, and messages
    /// it lacks are shown in English. `origin` names the catalog in error messages (a file
    /// name).
    pub fn add(
        mut self,
        tag: impl Into<String>,
        origin: impl Into<String>,
        source: impl Into<String>,
    ) -> Self {
        self.added.push(Added {
            tag: tag.into(),
            origin: origin.into(),
            source: source.into(),
        });
        self
    }

    /// The names of the catalogs [`Self::add`] was given, in order.
    pub fn added(&self) -> impl Iterator<Item = &str> {
        self.added.iter().map(|added| added.origin.as_str())
    }

    /// The tags of the built-in languages.
    pub fn built_in() -> impl Iterator<Item = &'static str> {
        BUILT_IN.iter().map(|(tag, _)| *tag)
    }
}

/// One language's messages.
struct Bundle {
    id: LanguageIdentifier,
    /// The canonical tag (`pt-BR`).
    tag: String,
    bundle: FluentBundle<FluentResource>,
    right_to_left: bool,
}

/// Every language, checked and ready: what startup builds from [`Languages`].
pub(crate) struct Catalog {
    /// English first.
    languages: Vec<Bundle>,
    ids: Vec<LanguageIdentifier>,
    default: usize,
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalog")
            .field(
                "languages",
                &self.languages.iter().map(|l| &l.tag).collect::<Vec<_>>(),
            )
            .field("default", &self.languages[self.default].tag)
            .finish()
    }
}

/// A catalog or a language setting that is not accepted (a `ConfigError` once the engine is
/// built).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum CatalogError {
    #[error("language catalog {origin}: {reason}")]
    Invalid { origin: String, reason: String },
    #[error("the default language {tag} has no catalog (there are: {available})")]
    UnknownDefault { tag: String, available: String },
}

fn invalid(origin: &str, reason: impl Into<String>) -> CatalogError {
    CatalogError::Invalid {
        origin: origin.to_owned(),
        reason: reason.into(),
    }
}

fn parse_tag(origin: &str, tag: &str) -> Result<LanguageIdentifier, CatalogError> {
    tag.parse::<LanguageIdentifier>()
        .ok()
        .filter(|id| !id.language.is_empty())
        .ok_or_else(|| invalid(origin, format!("{tag:?} is not a language tag (BCP 47)")))
}

/// Parses one catalog, naming the line of the first syntax error.
fn parse_resource(origin: &str, source: String) -> Result<FluentResource, CatalogError> {
    // The parser (and our walk of what it builds) recurse once per nested placeable: refuse
    // deep nesting before it can exhaust the stack.
    let mut depth = 0_usize;
    for (at, byte) in source.bytes().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => continue,
        }
        if depth > MAX_NESTING {
            let line = line_of(&source, at);
            return Err(invalid(
                origin,
                format!("line {line}: placeables nested more than {MAX_NESTING} deep"),
            ));
        }
    }
    FluentResource::try_new(source).map_err(|(resource, errors)| {
        let error = &errors[0];
        let text = resource.source();
        // The entry the error is in starts where its slice's text does.
        let entry = error.slice.clone().unwrap_or_else(|| error.pos.clone());
        let blank = text
            .get(entry.clone())
            .map_or(0, |entry| entry.len() - entry.trim_start().len());
        let line = line_of(text, entry.start + blank);
        invalid(origin, format!("line {line}: {error}"))
    })
}

/// The line (from 1) of byte `at` of `text`.
fn line_of(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The variables each message of a catalog uses, by message id.
fn variables(resource: &FluentResource) -> HashMap<String, BTreeSet<String>> {
    let mut out = HashMap::new();
    for entry in resource.entries() {
        if let ast::Entry::Message(message) = entry {
            let mut names = BTreeSet::new();
            if let Some(value) = &message.value {
                pattern_variables(value, &mut names);
            }
            for attribute in &message.attributes {
                pattern_variables(&attribute.value, &mut names);
            }
            out.insert(message.id.name.to_owned(), names);
        }
    }
    out
}

fn pattern_variables(pattern: &ast::Pattern<&str>, names: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, names);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, names: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Inline(inline) => inline_variables(inline, names),
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, names);
            for variant in variants {
                pattern_variables(&variant.value, names);
            }
        }
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, names: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            names.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_variables(argument, names);
            }
            for argument in &arguments.named {
                inline_variables(&argument.value, names);
            }
        }
        ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for argument in &arguments.positional {
                inline_variables(argument, names);
            }
            for argument in &arguments.named {
                inline_variables(&argument.value, names);
            }
        }
        ast::InlineExpression::Placeable { expression } => {
            expression_variables(expression, names);
        }
        _ => {}
    }
}

/// Refuses a catalog whose built-in messages use variables the English ones do not have.
fn check_variables(
    origin: &str,
    resource: &FluentResource,
    reference: &HashMap<String, BTreeSet<String>>,
) -> Result<(), CatalogError> {
    for (id, names) in variables(resource) {
        let Some(known) = reference.get(&id) else {
            continue;
        };
        if let Some(unknown) = names.difference(known).next() {
            let known = if known.is_empty() {
                "none".to_owned()
            } else {
                known
                    .iter()
                    .map(|n| format!("${n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(invalid(
                origin,
                format!(
                    "message {id:?} uses ${unknown}, which it is never given (it has: {known})"
                ),
            ));
        }
    }
    Ok(())
}

impl Bundle {
    /// A language with its first catalog.
    fn new(
        id: LanguageIdentifier,
        origin: &str,
        resource: FluentResource,
    ) -> Result<Self, CatalogError> {
        let right_to_left = id.character_direction() == CharacterDirection::RTL;
        let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
        // Unicode isolation around variables keeps an address or a host readable inside a
        // right-to-left sentence; left-to-right text needs none.
        bundle.set_use_isolating(right_to_left);
        // NUMBER() and DATETIME(), for operators' catalogs.
        bundle
            .add_builtins()
            .map_err(|error| invalid(origin, error.to_string()))?;
        bundle
            .add_resource(resource)
            .map_err(|errors| invalid(origin, errors[0].to_string()))?;
        Ok(Self {
            tag: id.to_string(),
            id,
            bundle,
            right_to_left,
        })
    }
}

impl Catalog {
    /// Builds and checks every catalog.
    pub(crate) fn build(languages: &Languages) -> Result<Self, CatalogError> {
        let mut built: Vec<Bundle> = Vec::new();
        let mut reference = HashMap::new();
        for (tag, source) in BUILT_IN {
            let origin = format!("built-in {tag}.ftl");
            let id = parse_tag(&origin, tag)?;
            let resource = parse_resource(&origin, source.to_owned())?;
            if built.is_empty() {
                reference = variables(&resource);
            } else {
                check_variables(&origin, &resource, &reference)?;
            }
            built.push(Bundle::new(id, &origin, resource)?);
        }
        for added in &languages.added {
            let id = parse_tag(&added.origin, &added.tag)?;
            let resource = parse_resource(&added.origin, added.source.clone())?;
            check_variables(&added.origin, &resource, &reference)?;
            match built.iter_mut().find(|language| language.id == id) {
                Some(language) => language.bundle.add_resource_overriding(resource),
                None => built.push(Bundle::new(id, &added.origin, resource)?),
            }
        }
        let ids = built.iter().map(|language| language.id.clone()).collect();
        let mut catalog = Self {
            languages: built,
            ids,
            default: 0,
        };
        // `en-US` is served by `en`, as a request's tag would be.
        catalog.default =
            catalog
                .find_tag(&languages.default)
                .ok_or_else(|| CatalogError::UnknownDefault {
                    tag: languages.default.clone(),
                    available: catalog.tags().collect::<Vec<_>>().join(", "),
                })?;
        catalog.check_formatting(&reference)?;
        Ok(catalog)
    }

    /// Formats every built-in message in every language with the variables it is given
    /// (numbers for counts), refusing any error: a reference to a message or term that is
    /// not there, a cycle, a message without a value. A page never shows `{???}`.
    fn check_formatting(
        &self,
        reference: &HashMap<String, BTreeSet<String>>,
    ) -> Result<(), CatalogError> {
        for language in &self.languages {
            for (id, names) in reference {
                let Some(message) = language.bundle.get_message(id) else {
                    continue;
                };
                let origin = format!("{}.ftl", language.tag);
                let Some(pattern) = message.value() else {
                    return Err(invalid(&origin, format!("message {id:?} has no value")));
                };
                for count in [1_u64, 2, 5] {
                    let mut args = FluentArgs::new();
                    for name in names {
                        let value = if name == "minutes" {
                            FluentValue::from(count)
                        } else {
                            FluentValue::from("x")
                        };
                        args.set(name.as_str(), value);
                    }
                    let mut errors = Vec::new();
                    language
                        .bundle
                        .format_pattern(pattern, Some(&args), &mut errors);
                    if let Some(error) = errors.first() {
                        return Err(invalid(&origin, format!("message {id:?}: {error}")));
                    }
                }
            }
        }
        Ok(())
    }

    /// The language one tag asks for: the best match among those there are, if any.
    fn find(&self, requested: &[LanguageIdentifier]) -> Option<usize> {
        requested.iter().find_map(|wanted| {
            // The negotiation falls back from a region to its language, so `zh-TW` would find
            // `zh-CN`: a reader of Traditional Chinese is offered only a catalog that is not
            // Simplified (an operator's `zh-TW.ftl`), or the next language asked for.
            let available: Vec<&LanguageIdentifier> = self
                .ids
                .iter()
                .filter(|id| !(is_traditional_chinese(wanted) && is_simplified_chinese(id)))
                .collect();
            let found = fluent_langneg::negotiate_languages(
                std::slice::from_ref(wanted),
                &available,
                None,
                fluent_langneg::NegotiationStrategy::Lookup,
            );
            let best = **found.first()?;
            self.ids.iter().position(|id| id == best)
        })
    }

    fn find_tag(&self, tag: &str) -> Option<usize> {
        if tag.is_empty() || tag.len() > MAX_TAG_LEN {
            return None;
        }
        let id = tag.parse::<LanguageIdentifier>().ok()?;
        self.find(&[id])
    }

    /// The language for a request: `query` (a `?lang=`), then `cookie`, then `accept` (the
    /// `Accept-Language` header), then the default. Says whether the query chose it (and so
    /// should be remembered).
    pub(crate) fn choose(
        &self,
        query: Option<&str>,
        cookie: Option<&str>,
        accept: Option<&str>,
    ) -> (Messages<'_>, bool) {
        if let Some(index) = query.and_then(|tag| self.find_tag(tag)) {
            return (self.messages(index), true);
        }
        if let Some(index) = cookie.and_then(|tag| self.find_tag(tag)) {
            return (self.messages(index), false);
        }
        if let Some(index) = accept.and_then(|header| self.find(&accepted(header))) {
            return (self.messages(index), false);
        }
        (self.messages(self.default), false)
    }

    /// The language for a request with these headers: `query` (a `?lang=`), then the language
    /// cookie's value, then its `Accept-Language`. See [`Self::choose`].
    pub(crate) fn for_request(
        &self,
        query: Option<&str>,
        cookie: Option<&str>,
        headers: &http::HeaderMap,
    ) -> (Messages<'_>, bool) {
        let accept = headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok());
        self.choose(query, cookie, accept)
    }

    /// The messages of a language a [`Messages::language_index`] named.
    #[cfg_attr(not(feature = "password"), allow(dead_code))]
    pub(crate) fn get(&self, language: Language) -> Messages<'_> {
        self.messages(language.0)
    }

    fn messages(&self, index: usize) -> Messages<'_> {
        Messages {
            catalog: self,
            index,
        }
    }

    /// The tags of every language, the default first.
    pub(crate) fn tags(&self) -> impl Iterator<Item = &str> {
        let default = &self.languages[self.default];
        std::iter::once(default.tag.as_str()).chain(
            self.languages
                .iter()
                .filter(move |language| !std::ptr::eq(*language, default))
                .map(|language| language.tag.as_str()),
        )
    }
}

fn is_chinese(id: &LanguageIdentifier) -> bool {
    id.language.as_str() == "zh"
}

/// `zh-Hant`, or `zh` with a region that writes Traditional and no script.
fn is_traditional_chinese(id: &LanguageIdentifier) -> bool {
    is_chinese(id)
        && match id.script {
            Some(script) => script.as_str() == "Hant",
            None => id
                .region
                .is_some_and(|region| matches!(region.as_str(), "TW" | "HK" | "MO")),
        }
}

fn is_simplified_chinese(id: &LanguageIdentifier) -> bool {
    is_chinese(id) && !is_traditional_chinese(id)
}

/// The languages an `Accept-Language` header lists, by weight (highest first, the header's
/// order among equals), leaving out `q=0` and anything past the first few entries.
fn accepted(header: &str) -> Vec<LanguageIdentifier> {
    let mut weighted: Vec<(f32, LanguageIdentifier)> = header
        .split(',')
        .take(MAX_ACCEPTED)
        .filter_map(|entry| {
            let mut parts = entry.split(';');
            let tag = parts.next()?.trim();
            let weight = parts
                .find_map(|parameter| parameter.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            // A weight of zero or less (or not a number) refuses the language.
            if weight.is_nan() || weight <= 0.0 || tag.is_empty() || tag.len() > MAX_TAG_LEN {
                return None;
            }
            Some((weight.min(1.0), tag.parse().ok()?))
        })
        .collect();
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0));
    weighted.into_iter().map(|(_, id)| id).collect()
}

/// A language of the catalog, by position: what a task that outlives its request keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "password"), allow(dead_code))]
pub(crate) struct Language(usize);

/// A value a message is given.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Arg<'a> {
    /// Text, shown as it is.
    Text(&'a str),
    /// A count: it chooses the plural form.
    Number(u64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Self::Text(value)
    }
}

impl From<u64> for Arg<'_> {
    fn from(value: u64) -> Self {
        Self::Number(value)
    }
}

/// The messages of one language, as a page or a mail template uses them.
#[derive(Clone, Copy)]
pub struct Messages<'a> {
    catalog: &'a Catalog,
    index: usize,
}

impl fmt::Debug for Messages<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Messages").field(&self.language()).finish()
    }
}

impl<'a> Messages<'a> {
    /// The language's tag (`en`, `pt-BR`), for a `lang` attribute.
    pub fn language(&self) -> &'a str {
        &self.catalog.languages[self.index].tag
    }

    /// Whether the language is written right to left (for a `dir` attribute).
    pub fn right_to_left(&self) -> bool {
        self.catalog.languages[self.index].right_to_left
    }

    /// `rtl` or `ltr`, for a `dir` attribute.
    pub fn direction(&self) -> &'static str {
        if self.right_to_left() { "rtl" } else { "ltr" }
    }

    /// Which language this is, to find it again later ([`Catalog::get`]).
    #[cfg_attr(not(feature = "password"), allow(dead_code))]
    pub(crate) fn language_index(&self) -> Language {
        Language(self.index)
    }

    /// A message without variables.
    pub fn text(&self, id: &str) -> String {
        self.format(id, &[])
    }

    /// A message cut where `variable` goes, for markup around that value (a name in bold)
    /// while the translation still decides the word order: the text before it and after it.
    /// A translation that does not use the variable gives all its text before it. (A
    /// private-use character, U+E000, marks the place; it is removed from `args`' texts.)
    pub fn around(&self, id: &str, variable: &str, args: &[(&str, Arg<'_>)]) -> (String, String) {
        const MARK: &str = "\u{e000}";
        let cleaned: Vec<String> = args
            .iter()
            .map(|(_, value)| match value {
                Arg::Text(text) => text.replace(MARK, ""),
                Arg::Number(_) => String::new(),
            })
            .collect();
        let mut all: Vec<(&str, Arg<'_>)> = args
            .iter()
            .zip(&cleaned)
            .map(|((name, value), text)| match value {
                Arg::Text(_) => (*name, Arg::Text(text)),
                other => (*name, *other),
            })
            .collect();
        all.push((variable, Arg::Text(MARK)));
        let text = self.format(id, &all);
        match text.split_once(MARK) {
            Some((before, after)) => (before.to_owned(), after.replace(MARK, "")),
            None => (text, String::new()),
        }
    }

    /// A message with its variables. A message the language lacks comes from English; one
    /// no catalog has comes back as its id.
    pub fn format(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let languages = &self.catalog.languages;
        let language = &languages[self.index];
        let (bundle, message) = match language.bundle.get_message(id) {
            Some(message) => (&language.bundle, message),
            None => match languages[0].bundle.get_message(id) {
                Some(message) => (&languages[0].bundle, message),
                None => return id.to_owned(),
            },
        };
        let Some(pattern) = message.value() else {
            return id.to_owned();
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            let value = match value {
                Arg::Text(text) => FluentValue::from(*text),
                Arg::Number(number) => FluentValue::from(*number),
            };
            fluent_args.set(*name, value);
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(
                message_id = id,
                language = language.tag,
                ?errors,
                "a message did not format"
            );
        }
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::build(&Languages::new()).expect("the built-in catalogs are valid")
    }

    #[test]
    fn every_catalog_has_every_message_with_the_same_variables() {
        let english = variables(&FluentResource::try_new(BUILT_IN[0].1.to_owned()).unwrap());
        for (tag, source) in &BUILT_IN[1..] {
            let resource = FluentResource::try_new((*source).to_owned())
                .unwrap_or_else(|(_, errors)| panic!("{tag}.ftl does not parse: {errors:?}"));
            let theirs = variables(&resource);
            let mut missing: Vec<_> = english
                .keys()
                .filter(|id| !theirs.contains_key(*id))
                .collect();
            missing.sort();
            assert!(missing.is_empty(), "{tag}.ftl lacks {missing:?}");
            let mut extra: Vec<_> = theirs
                .keys()
                .filter(|id| !english.contains_key(*id))
                .collect();
            extra.sort();
            assert!(
                extra.is_empty(),
                "{tag}.ftl has messages English lacks: {extra:?}"
            );
            for (id, names) in &english {
                assert_eq!(&theirs[id], names, "{tag}.ftl: {id} uses other variables");
            }
        }
    }

    #[test]
    fn every_message_formats_in_every_language_without_errors() {
        let catalog = catalog();
        let english = variables(&FluentResource::try_new(BUILT_IN[0].1.to_owned()).unwrap());
        for index in 0..catalog.languages.len() {
            let bundle = &catalog.languages[index].bundle;
            for (id, names) in &english {
                for minutes in [0_u64, 1, 2, 3, 11, 100] {
                    let mut args = FluentArgs::new();
                    for name in names {
                        if name == "minutes" {
                            args.set(name.as_str(), FluentValue::from(minutes));
                        } else {
                            args.set(name.as_str(), FluentValue::from("x"));
                        }
                    }
                    let message = bundle.get_message(id).expect("every message is there");
                    let mut errors = Vec::new();
                    let text =
                        bundle.format_pattern(message.value().unwrap(), Some(&args), &mut errors);
                    assert!(
                        errors.is_empty(),
                        "{}: {id}: {errors:?}",
                        catalog.languages[index].tag
                    );
                    assert!(!text.trim().is_empty());
                    if names.contains("minutes") && minutes > 2 {
                        assert!(
                            text.contains(&minutes.to_string()),
                            "{}: {id} does not show the number {minutes}: {text}",
                            catalog.languages[index].tag
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_request_chooses_query_then_cookie_then_accept_language_then_default() {
        let catalog = catalog();
        let pick = |q, c, a| {
            let (messages, remember) = catalog.choose(q, c, a);
            (messages.language().to_owned(), remember)
        };
        assert_eq!(pick(None, None, None), ("en".into(), false));
        assert_eq!(
            pick(None, None, Some("de-CH,de;q=0.9,en;q=0.8")),
            ("de".into(), false)
        );
        assert_eq!(pick(None, None, Some("pt-PT, en")), ("pt-BR".into(), false));
        assert_eq!(
            pick(None, None, Some("zh-Hans-CN")),
            ("zh-CN".into(), false)
        );
        assert_eq!(pick(None, None, Some("xx, ja;q=0.5")), ("ja".into(), false));
        assert_eq!(pick(None, None, Some("ja;q=0, fr")), ("fr".into(), false));
        assert_eq!(pick(None, Some("es"), Some("de")), ("es".into(), false));
        assert_eq!(
            pick(Some("ar"), Some("es"), Some("de")),
            ("ar".into(), true)
        );
        // What matches nothing is passed over, never an error.
        assert_eq!(
            pick(Some("klingon!"), Some("\u{0}"), Some("*")),
            ("en".into(), false)
        );
        let too_long = "de-".repeat(40);
        assert_eq!(pick(Some(&too_long), None, None), ("en".into(), false));
        // Weights, not the header's order, rank the languages.
        assert_eq!(
            pick(None, None, Some("fr;q=0.1, de;q=0.9")),
            ("de".into(), false)
        );
        assert_eq!(
            pick(None, None, Some("fr;q=0.5, de;q=0.5")),
            ("fr".into(), false)
        );
        assert_eq!(
            pick(None, None, Some("fr;q=nope, de")),
            ("de".into(), false)
        );
        // Traditional Chinese is not served Simplified: the next language is.
        for traditional in ["zh-TW, fr", "zh-Hant, fr", "zh-HK, fr", "zh-Hant-CN, fr"] {
            assert_eq!(
                pick(None, None, Some(traditional)),
                ("fr".into(), false),
                "{traditional}"
            );
        }
        for simplified in ["zh", "zh-CN", "zh-SG", "zh-Hans", "zh-Hans-HK"] {
            assert_eq!(
                pick(None, None, Some(simplified)),
                ("zh-CN".into(), false),
                "{simplified}"
            );
        }
        let long = "xx, ".repeat(1000) + "de";
        assert_eq!(
            pick(None, None, Some(&long)),
            ("en".into(), false),
            "past the first entries"
        );
    }

    #[test]
    fn arabic_is_right_to_left_and_isolates_what_it_is_given() {
        let catalog = catalog();
        let (arabic, _) = catalog.choose(Some("ar"), None, None);
        assert!(arabic.right_to_left());
        assert_eq!(arabic.direction(), "rtl");
        let title = arabic.format("confirm-title", &[("site", "example.com".into())]);
        assert!(title.contains("\u{2068}example.com\u{2069}"), "{title:?}");
        let (german, _) = catalog.choose(Some("de"), None, None);
        assert!(!german.right_to_left());
        let title = german.format("confirm-title", &[("site", "example.com".into())]);
        assert!(
            title.contains("example.com") && !title.contains('\u{2068}'),
            "{title:?}"
        );
    }

    #[test]
    fn a_message_cut_around_a_variable_keeps_the_translations_word_order() {
        let catalog = catalog();
        let (english, _) = catalog.choose(None, None, None);
        let (before, after) = english.around("home-signed-in-as", "name", &[]);
        assert_eq!((before.as_str(), after.as_str()), ("Signed in as ", ""));
        let (japanese, _) = catalog.choose(Some("ja"), None, None);
        let (before, after) = japanese.around("home-signed-in-as", "name", &[]);
        assert!(
            before.is_empty() && !after.is_empty(),
            "{before:?} {after:?}"
        );
        let (arabic, _) = catalog.choose(Some("ar"), None, None);
        let (before, after) = arabic.around("confirm-continue-as", "email", &[]);
        assert!(
            !before.is_empty() && !after.contains('\u{e000}'),
            "{before:?} {after:?}"
        );
    }

    #[test]
    fn plurals_follow_the_language() {
        let catalog = catalog();
        let (english, _) = catalog.choose(None, None, None);
        assert_eq!(
            english.format("error-try-again-in", &[("minutes", 1.into())]),
            "Try again in a minute."
        );
        assert_eq!(
            english.format("error-try-again-in", &[("minutes", 5.into())]),
            "Try again in 5 minutes."
        );
        let (french, _) = catalog.choose(Some("fr"), None, None);
        assert_ne!(
            french.format("error-try-again-in", &[("minutes", 1.into())]),
            french
                .format("error-try-again-in", &[("minutes", 5.into())])
                .replace('5', "1"),
            "French has a form for one"
        );
    }

    #[test]
    fn an_operator_adds_a_language_and_overrides_messages() {
        let languages = Languages::new()
            .default_language("it")
            .add("it", "it.ftl", "sign-in-title = Accedi\n")
            .add("de", "de.ftl", "sign-in-title = Willkommen\n");
        let catalog = Catalog::build(&languages).unwrap();
        let (italian, _) = catalog.choose(None, None, None);
        assert_eq!(italian.language(), "it");
        assert_eq!(italian.text("sign-in-title"), "Accedi");
        assert_eq!(
            italian.text("sign-out-title"),
            "Sign out",
            "falls back to English"
        );
        let (german, _) = catalog.choose(None, None, Some("de"));
        assert_eq!(german.text("sign-in-title"), "Willkommen");
        assert_ne!(
            german.text("sign-out-title"),
            "Sign out",
            "the rest stays German"
        );
        assert_eq!(italian.text("no-such-message"), "no-such-message");
    }

    #[test]
    fn a_regional_default_is_served_by_its_language() {
        let catalog = Catalog::build(&Languages::new().default_language("en-US")).unwrap();
        assert_eq!(catalog.choose(None, None, None).0.language(), "en");
        let catalog = Catalog::build(&Languages::new().default_language("de-AT")).unwrap();
        assert_eq!(catalog.choose(None, None, None).0.language(), "de");
    }

    #[test]
    fn operator_catalogs_may_use_fluents_functions_and_terms() {
        let source = "-brand = Acme\nsign-in-title = { -brand }\n\
                      error-try-again-in = { NUMBER($minutes) ->\n    [one] one\n   *[other] { $minutes } more\n}\n";
        let catalog = Catalog::build(&Languages::new().add("en", "en.ftl", source)).unwrap();
        let (english, _) = catalog.choose(None, None, None);
        assert_eq!(english.text("sign-in-title"), "Acme");
        assert_eq!(
            english.format("error-try-again-in", &[("minutes", 1.into())]),
            "one"
        );
        assert_eq!(
            english.format("error-try-again-in", &[("minutes", 4.into())]),
            "4 more"
        );
    }

    #[test]
    fn bad_catalogs_are_refused_with_their_name_and_line() {
        let refused = |languages: Languages| Catalog::build(&languages).unwrap_err().to_string();
        let error = refused(Languages::new().add("de", "de.ftl", "a = fine\nb = { oops\n"));
        assert!(
            error.contains("de.ftl") && error.contains("line 2"),
            "{error}"
        );
        let error = refused(Languages::new().add("fr", "fr.ftl", "confirm-title = { $sitee }\n"));
        assert!(
            error.contains("fr.ftl") && error.contains("$sitee"),
            "{error}"
        );
        let error = refused(Languages::new().add("not a tag", "x.ftl", "a = b\n"));
        assert!(error.contains("not a language tag"), "{error}");
        let error = refused(Languages::new().default_language("it"));
        assert!(
            error.contains("the default language it has no catalog"),
            "{error}"
        );
        // What would show as `{???}` on a page: a missing message or term, a cycle.
        let error = refused(Languages::new().add("de", "de.ftl", "sign-in-title = { nothing }\n"));
        assert!(
            error.contains("de.ftl") && error.contains("sign-in-title"),
            "{error}"
        );
        let error = refused(Languages::new().add("de", "de.ftl", "sign-in-title = { -gone }\n"));
        assert!(error.contains("sign-in-title"), "{error}");
        let cycle = "sign-in-title = { sign-out-title }\nsign-out-title = { sign-in-title }\n";
        let error = refused(Languages::new().add("de", "de.ftl", cycle));
        assert!(error.contains("de.ftl"), "{error}");
        let error =
            refused(Languages::new().add("de", "de.ftl", "sign-in-title =\n    .attr = x\n"));
        assert!(error.contains("sign-in-title"), "{error}");
        // Nesting deep enough to exhaust the stack is refused before the parser sees it.
        let deep = format!("a = {}x{}\n", "{ ".repeat(100_000), " }".repeat(100_000));
        let error = refused(Languages::new().add("de", "de.ftl", deep));
        assert!(
            error.contains("line 1") && error.contains("nested"),
            "{error}"
        );
        // New messages of the operator's own (for a custom mail template) are welcome.
        assert!(
            Catalog::build(&Languages::new().add("en", "en.ftl", "my-own = { $anything }\n"))
                .is_ok()
        );
    }
}
