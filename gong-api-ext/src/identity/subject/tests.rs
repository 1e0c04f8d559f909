use super::*;

#[test]
fn detects_the_kind_or_refuses() {
    assert_eq!(
        Subject::parse(" +1 (425) 555-2671").unwrap().as_str(),
        "+14255552671"
    );
    assert_eq!(
        Subject::parse("jane@Example.com").unwrap().to_string(),
        "jane@example.com"
    );
    let err = Subject::parse("jane at example.com").unwrap_err();
    assert!(err.to_string().contains("neither"), "{err}");
    // Number-like input gets the phone rule it broke.
    let err = Subject::parse("4255552671").unwrap_err();
    assert!(err.rule().contains("must start with +"), "{err}");
    let err = Subject::parse("4.25555E+10").unwrap_err();
    assert!(err.rule().contains("scientific notation"), "{err}");
    let err = Subject::parse("'+14255552671").unwrap_err();
    assert!(err.rule().contains("apostrophe"), "{err}");
    assert_eq!(
        Subject::parse("tel:+1-425-555-2671").unwrap().as_str(),
        "+14255552671"
    );
    // A phone-looking input keeps the phone rules.
    assert!(Subject::parse("+1 425 555 2671 ext 2").is_err());
    // An email address may start with `+`.
    assert!(matches!(
        Subject::parse("+tag@example.com").unwrap(),
        Subject::Email(_)
    ));
}

#[test]
fn serialises_as_its_text_and_is_validated_when_read() {
    let subject = Subject::parse("+1 (425) 555-2671").unwrap();
    assert_eq!(
        serde_json::to_string(&subject).unwrap(),
        r#""+14255552671""#
    );
    let back: Subject = serde_json::from_str(r#""Jane@Example.com""#).unwrap();
    assert_eq!(back.as_str(), "Jane@example.com");
    let err = serde_json::from_str::<Subject>(r#""+1 425 555 2671 ext 2""#).unwrap_err();
    assert!(err.to_string().contains("extension"), "{err}");
}
