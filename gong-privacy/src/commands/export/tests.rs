use super::*;

#[test]
fn file_names_are_safe_and_distinct() {
    let subjects: Vec<Subject> = [
        "jane@example.com",
        "Jane@example.com",
        "a/b@example.com",
        "+1 425 555 2671",
    ]
    .iter()
    .map(|s| Subject::parse(s).unwrap())
    .collect();
    let names = file_names(&subjects);
    assert_eq!(names[0], "email-jane@example.com");
    assert!(
        names[1].starts_with("email-Jane@example.com-"),
        "{}",
        names[1]
    );
    assert!(
        names[2].starts_with("email-a_b@example.com-"),
        "{}",
        names[2]
    );
    assert_eq!(names[3], "phone-+14255552671");
}
