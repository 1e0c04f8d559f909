//! `gong-api`'s public Rust API, listed from the generated source, and its diff.
//!
//! Chosen over `cargo-semver-checks` and the `public-api` crate: both read rustdoc's JSON,
//! a nightly-only format (usable on stable through `RUSTC_BOOTSTRAP=1`, but each tool release
//! pins one format version, so a toolchain update breaks it), both need `gong-api` documented
//! twice (old and new) per report, and `cargo-semver-checks` has no prebuilt binary we can
//! install (crates.io only), so CI would compile it for many minutes. The generated file is
//! the whole generated API, and `syn` (already here for prettyplease) reads it in
//! milliseconds: every public function and method signature, type, field, variant, trait
//! implementation and derive, one line each.
//!
//! What this listing cannot see is what only the compiler knows (auto traits, what a type
//! alias resolves to); the generated code has no such surprises beyond its derives, which are
//! listed.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::{Fields, ImplItem, Item, Visibility};

use crate::error::{Error, Result};

/// The public items: a key (`fn Client::purge_email_address`, `field
/// types::RequestIdResponse.request_id`, …) -> its signature.
pub type Api = BTreeMap<String, String>;

/// Lists the public API of a generated source file.
pub fn public_api(source: &str) -> Result<Api> {
    let file: syn::File = syn::parse_file(source)
        .map_err(|e| Error::msg(format!("the generated code does not parse: {e}")))?;
    let mut api = Api::new();
    items(&file.items, "", &mut api);
    Ok(api)
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn items(list: &[Item], prefix: &str, api: &mut Api) {
    for item in list {
        match item {
            Item::Mod(m) if is_pub(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    items(inner, &format!("{prefix}{}::", m.ident), api);
                }
            }
            Item::Struct(s) if is_pub(&s.vis) => {
                let name = format!("{prefix}{}", s.ident);
                let private = s.fields.iter().any(|f| !is_pub(&f.vis));
                let shape = match (&s.fields, private) {
                    (Fields::Unit, _) => "unit",
                    (_, true) => "with private fields",
                    (Fields::Named(_), false) => "all fields public",
                    (Fields::Unnamed(_), false) => "tuple, all fields public",
                };
                api.insert(
                    format!("struct {name}"),
                    format!("{}{shape}", tokens(&s.generics)),
                );
                derives(&s.attrs, &name, api);
                for (i, field) in s.fields.iter().enumerate().filter(|(_, f)| is_pub(&f.vis)) {
                    let field_name = field
                        .ident
                        .as_ref()
                        .map_or_else(|| i.to_string(), ToString::to_string);
                    api.insert(format!("field {name}.{field_name}"), tokens(&field.ty));
                }
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                let name = format!("{prefix}{}", e.ident);
                api.insert(format!("enum {name}"), tokens(&e.generics));
                derives(&e.attrs, &name, api);
                for variant in &e.variants {
                    api.insert(
                        format!("variant {name}::{}", variant.ident),
                        tokens(&variant.fields),
                    );
                }
            }
            Item::Type(t) if is_pub(&t.vis) => {
                api.insert(format!("type {prefix}{}", t.ident), tokens(&t.ty));
            }
            Item::Const(c) if is_pub(&c.vis) => {
                api.insert(format!("const {prefix}{}", c.ident), tokens(&c.ty));
            }
            Item::Fn(f) if is_pub(&f.vis) => {
                api.insert(format!("fn {prefix}{}", f.sig.ident), tokens(&f.sig));
            }
            Item::Use(u) if is_pub(&u.vis) => {
                api.insert(format!("use {prefix}{}", tokens(&u.tree)), String::new());
            }
            Item::Trait(t) if is_pub(&t.vis) => {
                api.insert(format!("trait {prefix}{}", t.ident), tokens(&t.generics));
            }
            Item::Impl(i) => implementation(i, prefix, api),
            _ => {}
        }
    }
}

/// An inherent impl contributes its public methods; a trait impl is itself public API.
fn implementation(i: &syn::ItemImpl, prefix: &str, api: &mut Api) {
    // A type of this module is named with the module path; others (`String`) as written.
    let local = matches!(&*i.self_ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.leading_colon.is_none() && p.path.segments.len() == 1);
    let self_ty = if local {
        format!("{prefix}{}", tokens(&i.self_ty))
    } else {
        tokens(&i.self_ty)
    };
    match &i.trait_ {
        Some((_, path, _)) => {
            let associated: Vec<String> = i
                .items
                .iter()
                .filter_map(|item| match item {
                    ImplItem::Type(t) => Some(format!("type {} = {}", t.ident, tokens(&t.ty))),
                    _ => None,
                })
                .collect();
            api.insert(
                format!("impl{} {} for {self_ty}", tokens(&i.generics), tokens(path)),
                associated.join("; "),
            );
        }
        None => {
            for item in &i.items {
                if let ImplItem::Fn(f) = item
                    && is_pub(&f.vis)
                {
                    api.insert(format!("fn {self_ty}::{}", f.sig.ident), tokens(&f.sig));
                }
            }
        }
    }
}

/// `#[derive(…)]`s, one item each: adding one is additive, losing one breaks code using it.
fn derives(attrs: &[syn::Attribute], name: &str, api: &mut Api) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            let derived = meta.path.segments.last().map(|s| s.ident.to_string());
            if let Some(derived) = derived {
                api.insert(format!("derive {derived} for {name}"), String::new());
            }
            Ok(())
        });
    }
}

/// Tokens as compact, readable text: `&'a self, email_address: &'a str`, `Option<String>`.
fn tokens(node: &impl ToTokens) -> String {
    let text = node.to_token_stream().to_string();
    let mut out = text
        .replace(":: ", "::")
        .replace(" ::", "::")
        .replace(" ,", ",")
        .replace(" :", ":")
        .replace("< ", "<")
        .replace(" <", "<")
        .replace(" >", ">")
        .replace("& ", "&")
        .replace("( ", "(")
        .replace(" (", "(")
        .replace(" )", ")")
        .replace(" ;", ";");
    for (long, short) in [
        ("::std::option::Option", "Option"),
        ("::std::string::String", "String"),
        ("::std::vec::Vec", "Vec"),
        ("::std::result::Result", "Result"),
        ("::std::collections::BTreeMap", "BTreeMap"),
        ("::std::convert::", ""),
        ("::std::", "std::"),
    ] {
        out = out.replace(long, short);
    }
    // Spaces after commas and around arrows; no trailing comma (prettyplease adds one when a
    // signature is too long for a line, which says nothing about the API).
    out = out.replace("->", " -> ").replace(',', ", ");
    while out.contains("  ") {
        out = out.replace("  ", " ");
    }
    spaced_lifetimes(&out.replace(", )", ")").replace(", >", ">"))
}

/// `&'a ::chrono::DateTime`, not `&'a::chrono::DateTime`: a lifetime keeps its space before a
/// path.
fn spaced_lifetimes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_lifetime = false;
    for c in text.chars() {
        if in_lifetime && c == ':' {
            out.push(' ');
        }
        in_lifetime = match c {
            '\'' => true,
            c if c.is_alphanumeric() || c == '_' => in_lifetime,
            _ => false,
        };
        out.push(c);
    }
    out
}

/// One line of the API diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Removed {
        key: String,
        was: String,
    },
    Changed {
        key: String,
        was: String,
        now: String,
    },
    Added {
        key: String,
        now: String,
        breaking: bool,
    },
}

impl Change {
    /// Whether code compiled against the old API can fail to compile against the new one.
    pub fn breaking(&self) -> bool {
        match self {
            Change::Removed { .. } | Change::Changed { .. } => true,
            Change::Added { breaking, .. } => *breaking,
        }
    }

    /// The change as one line of a unified diff (`-`, `~`, `+`).
    pub fn line(&self) -> String {
        let item = |key: &str, signature: &str| {
            if signature.is_empty() {
                key.to_owned()
            } else {
                format!("{key}: {signature}")
            }
        };
        match self {
            Change::Removed { key, was } => format!("- {}", item(key, was)),
            Change::Changed { key, was, now } => format!("~ {key}: {was}  =>  {now}"),
            Change::Added { key, now, breaking } => {
                let note = if *breaking {
                    "  (breaking: struct literals and exhaustive matches of an existing type)"
                } else {
                    ""
                };
                format!("+ {}{note}", item(key, now))
            }
        }
    }
}

/// The type a derive, field, variant or trait impl belongs to, and what it is.
fn owner(key: &str) -> Option<(&str, (&'static str, String))> {
    let (kind, rest) = key.split_once(' ')?;
    match kind {
        "field" => rest
            .rsplit_once('.')
            .map(|(o, f)| (o, ("fields", f.to_owned()))),
        "variant" => rest
            .rsplit_once("::")
            .map(|(o, v)| (o, ("variants", v.to_owned()))),
        "derive" => rest
            .split_once(" for ")
            .map(|(d, o)| (o, ("derives", d.to_owned()))),
        _ if kind.starts_with("impl") => rest
            .rsplit_once(" for ")
            .map(|(t, o)| (o, ("impls", t.trim().to_owned()))),
        _ => None,
    }
}

/// A type that is new (or gone) as a whole is one line: its fields, variants, derives and
/// impls are folded into it.
fn fold_whole_types(changes: Vec<Change>) -> Vec<Change> {
    let whole = |removed: bool| -> Vec<String> {
        changes
            .iter()
            .filter_map(|c| match c {
                Change::Added { key, .. } if !removed => Some(key),
                Change::Removed { key, .. } if removed => Some(key),
                _ => None,
            })
            .filter_map(|k| {
                k.strip_prefix("struct ")
                    .or_else(|| k.strip_prefix("enum "))
            })
            .map(str::to_owned)
            .collect()
    };
    let (added, removed) = (whole(false), whole(true));
    let mut parts: BTreeMap<String, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    let mut kept = Vec::new();
    for change in changes {
        let folded = match &change {
            Change::Added { key, .. } => owner(key).filter(|(o, _)| added.iter().any(|a| a == o)),
            Change::Removed { key, .. } => {
                owner(key).filter(|(o, _)| removed.iter().any(|r| r == o))
            }
            Change::Changed { .. } => None,
        };
        match folded {
            Some((owner, (kind, name))) => parts
                .entry(owner.to_owned())
                .or_default()
                .entry(kind)
                .or_default()
                .push(name),
            None => kept.push(change),
        }
    }
    for change in &mut kept {
        if let Change::Added { key, now: text, .. } | Change::Removed { key, was: text, .. } =
            change
            && let Some(owned) = key.split_once(' ').and_then(|(_, name)| parts.get(name))
        {
            let listed: Vec<String> = owned
                .iter()
                .map(|(kind, names)| format!("{kind}: {}", names.join(", ")))
                .collect();
            text.push_str(&format!(" ({})", listed.join("; ")));
        }
    }
    kept
}

/// The changes from `old` to `new`. Additions are compatible, except a field added to an
/// existing struct whose fields are all public (struct literals break) and a variant added to
/// an existing enum (exhaustive `match`es break): the rules `cargo-semver-checks` applies.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut out = Vec::new();
    for (key, was) in old {
        match new.get(key) {
            None => out.push(Change::Removed {
                key: key.clone(),
                was: was.clone(),
            }),
            Some(now) if now != was => out.push(Change::Changed {
                key: key.clone(),
                was: was.clone(),
                now: now.clone(),
            }),
            Some(_) => {}
        }
    }
    for (key, now) in new.iter().filter(|(k, _)| !old.contains_key(*k)) {
        let existing_owner = |kind: &str, owner: &str| old.contains_key(&format!("{kind} {owner}"));
        let breaking = if let Some(field) = key.strip_prefix("field ") {
            let owner = field.rsplit_once('.').map_or(field, |(o, _)| o);
            existing_owner("struct", owner)
                && new
                    .get(&format!("struct {owner}"))
                    .is_some_and(|s| s.contains("all fields public"))
        } else if let Some(variant) = key.strip_prefix("variant ") {
            let owner = variant.rsplit_once("::").map_or(variant, |(o, _)| o);
            existing_owner("enum", owner)
        } else {
            false
        };
        out.push(Change::Added {
            key: key.clone(),
            now: now.clone(),
            breaking,
        });
    }
    fold_whole_types(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"
        pub mod types {
            #[derive(Clone, Debug, Default)]
            pub struct Receipt { pub request_id: ::std::option::Option<::std::string::String> }
            pub struct Id(::std::string::String);
            #[derive(Clone)]
            pub enum Kind { Email, Phone }
            impl ::std::str::FromStr for Id { type Err = ::std::convert::Infallible; }
        }
        pub struct Client { pub(crate) baseurl: String }
        impl Client {
            pub async fn purge<'a>(&'a self, email: &'a str) -> Result<ResponseValue<types::Receipt>, Error<()>> { todo() }
            fn private(&self) {}
        }
    "#;

    #[test]
    fn lists_every_public_item_with_its_signature() {
        let api = public_api(OLD).unwrap();
        let listed: Vec<String> = api.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        assert_eq!(
            listed,
            [
                "derive Clone for types::Kind = ",
                "derive Clone for types::Receipt = ",
                "derive Debug for types::Receipt = ",
                "derive Default for types::Receipt = ",
                "enum types::Kind = ",
                "field types::Receipt.request_id = Option<String>",
                "fn Client::purge = async fn purge<'a>(&'a self, email: &'a str) -> \
                 Result<ResponseValue<types::Receipt>, Error<()>>",
                "impl std::str::FromStr for types::Id = type Err = Infallible",
                "struct Client = with private fields",
                "struct types::Id = with private fields",
                "struct types::Receipt = all fields public",
                "variant types::Kind::Email = ",
                "variant types::Kind::Phone = ",
            ]
        );
    }

    #[test]
    fn removals_changes_and_additions_to_existing_types_break() {
        let old = public_api(OLD).unwrap();
        let new_source = OLD
            .replace("Debug, Default", "Debug, Default, PartialEq")
            .replace(
                "pub request_id: ::std::option::Option<::std::string::String> }",
                "pub request_id: ::std::option::Option<::std::string::String>, pub status: String }",
            )
            .replace("Email, Phone", "Email, Phone, Chat")
            .replace("email: &'a str)", "email: &'a str, mode: Option<&'a str>)")
            .replace("#[derive(Clone)]\n            pub enum Kind", "pub enum Kind")
            + "pub mod extra { pub struct New { pub a: i64 } }";
        let new = public_api(&new_source).unwrap();
        let lines: Vec<(String, bool)> = diff(&old, &new)
            .iter()
            .map(|c| (c.line(), c.breaking()))
            .collect();
        assert_eq!(
            lines,
            [
                ("- derive Clone for types::Kind".to_owned(), true),
                (
                    "~ fn Client::purge: async fn purge<'a>(&'a self, email: &'a str) -> \
                     Result<ResponseValue<types::Receipt>, Error<()>>  =>  async fn purge<'a>(&'a \
                     self, email: &'a str, mode: Option<&'a str>) -> \
                     Result<ResponseValue<types::Receipt>, Error<()>>"
                        .to_owned(),
                    true
                ),
                ("+ derive PartialEq for types::Receipt".to_owned(), false),
                (
                    "+ field types::Receipt.status: String  (breaking: struct literals and \
                     exhaustive matches of an existing type)"
                        .to_owned(),
                    true
                ),
                (
                    "+ struct extra::New: all fields public (fields: a)".to_owned(),
                    false
                ),
                (
                    "+ variant types::Kind::Chat  (breaking: struct literals and exhaustive \
                     matches of an existing type)"
                        .to_owned(),
                    true
                ),
            ]
        );
    }
}
