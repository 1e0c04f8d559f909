use super::*;

#[test]
fn receipts_are_checked() {
    let none = Sensitive::default();
    let cases: [(&str, Result<(), AnswerFault>); 12] = [
        (r#"{"requestId":"4al018gzaztcr8nbukw"}"#, Ok(())),
        (r#" {"emails":[],"requestId":"r","new":{"x":1}} "#, Ok(())),
        ("{}", Err(AnswerFault::NoRequestId)),
        (r#"{"requestId":null}"#, Err(AnswerFault::NoRequestId)),
        (r#"{"requestId":""}"#, Err(AnswerFault::NoRequestId)),
        (r#"{"requestId":7}"#, Err(AnswerFault::NoRequestId)),
        (
            r#"{"requestId":"a","requestId":"b"}"#,
            Err(AnswerFault::NoRequestId),
        ),
        (r#"{"requestId":"4al018"#, Err(AnswerFault::Truncated)),
        (
            r#"["requestId"]"#,
            Err(AnswerFault::NotJson {
                excerpt: r#"["requestId"]"#.into(),
            }),
        ),
        (
            "",
            Err(AnswerFault::NotJson {
                excerpt: String::new(),
            }),
        ),
        (
            "<html><body>OK</body></html>",
            Err(AnswerFault::NotJson {
                excerpt: "OK".into(),
            }),
        ),
        (
            r#"{"requestId":"r"} trailing"#,
            Err(AnswerFault::NotJson {
                excerpt: r#"{"requestId":"r"} trailing"#.into(),
            }),
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(check_receipt(body.as_bytes(), &none), expected, "{body}");
    }
}

#[test]
fn a_fault_travels_inside_a_reqwest_error() {
    let fault = Fault {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
        kind: FaultKind::Broken {
            fault: AnswerFault::NoRequestId,
            source: None,
        },
    };
    let error = fault.into_reqwest_error();
    let found = Fault::find(&error).expect("the fault is in the source chain");
    assert!(matches!(
        found.kind,
        FaultKind::Broken {
            fault: AnswerFault::NoRequestId,
            ..
        }
    ));
    assert_eq!(found.status, StatusCode::OK);
}
