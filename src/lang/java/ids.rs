//! JVM test ids in every form a log or report writes them, so a test named one
//! way in CI and another in the scoped run's report is still the same test:
//! `pkg.Class#method` (ours, Surefire 3's reports), `pkg.Class.method` (Surefire
//! 3's console), `method(pkg.Class)` (Surefire 2.x and JUnit 4's console),
//! `Class.method:42` (the summary, simple class name), nested classes as
//! `Outer$Inner` or `Outer.Inner`, parameterized cases with `[1]` or `(int)[1]`
//! after the method, JUnit 5's `method()` in Gradle's reports.

/// `method(pkg.Class)` (also `method[0](pkg.Class)`) → (class, method); None for
/// other forms, among them `method(int)` of a fully-qualified id.
fn junit4_form(id: &str) -> Option<(&str, &str)> {
    let open = id.find('(')?;
    let (method, class) = (&id[..open], id[open + 1..].strip_suffix(')')?);
    let method_ok = !method.is_empty() && !method.contains(['.', '#', ' ']);
    // A class name is dotted or capitalised; `adds(int)` is a method's argument list.
    let class_ok = !class.is_empty()
        && !class.contains([' ', ',', '('])
        && class
            .rsplit('.')
            .next()
            .is_some_and(|s| s.starts_with(|c: char| c.is_ascii_uppercase()));
    (method_ok && class_ok && (class.contains('.') || !is_primitive(class)))
        .then_some((class, method))
}

fn is_primitive(s: &str) -> bool {
    matches!(
        s,
        "int" | "long" | "short" | "byte" | "char" | "boolean" | "float" | "double"
    )
}

/// The id in our form, `pkg.Class#method`: Surefire 2.x's `method(pkg.Class)` is
/// rewritten, the other forms are kept as they are.
pub fn canonical(id: &str) -> String {
    match junit4_form(id) {
        Some((class, method)) => format!("{class}#{method}"),
        None => id.to_string(),
    }
}

/// (class, method) of an id in any form; the method is None for a bare class.
pub fn split(id: &str) -> (String, Option<String>) {
    let id = id.trim();
    if let Some((class, method)) = junit4_form(id) {
        return (class.to_string(), Some(method.to_string()));
    }
    if let Some((class, method)) = id.split_once('#') {
        return (class.to_string(), Some(method.to_string()));
    }
    // `pkg.Class.method(args)[n]` or `Class.method:42`: the last dot before any `(` or `[`.
    let head_end = id.find(['(', '[']).unwrap_or(id.len());
    match id[..head_end].rfind('.') {
        Some(i) if id[i + 1..].starts_with(|c: char| c.is_lowercase() || c == '_') => {
            (id[..i].to_string(), Some(id[i + 1..].to_string()))
        }
        _ => (id.to_string(), None),
    }
}

/// The method's name alone: no argument list, no parameterized-case suffix, no
/// summary line number.
fn method_name(m: &str) -> &str {
    let end = m.find(['(', '[', ':']).unwrap_or(m.len());
    m[..end].trim()
}

/// The class with nesting written one way, and the `Sub>Base` of an inherited
/// test as the class it ran in.
fn class_name(c: &str) -> String {
    c.split('>').next().unwrap_or(c).trim().replace('$', ".")
}

/// Whether a class named one way is the other: equal, or one is the other's
/// simple (or partly qualified) name.
fn same_class(a: &str, b: &str) -> bool {
    let (a, b) = (class_name(a), class_name(b));
    if a == b {
        return true;
    }
    let (long, short) = if a.len() > b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    long.ends_with(short.as_str()) && long[..long.len() - short.len()].ends_with('.')
}

/// Whether `ran` (an id from a report) is a run of `wanted` (an id from the
/// analysis), whatever form each is in. A wanted method without a case suffix
/// is run by any of its cases (`adds` by `adds[1]`); a wanted case only by itself.
pub fn same_test(wanted: &str, ran: &str) -> bool {
    if wanted.trim() == ran.trim() {
        return true;
    }
    let ((wc, wm), (rc, rm)) = (split(wanted), split(ran));
    if !same_class(&wc, &rc) {
        return false;
    }
    match (wm, rm) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(w), Some(r)) => {
            if method_name(&w) != method_name(&r) {
                return false;
            }
            // A wanted case (`[2]`) must be that case.
            match (w.find('['), r.find('[')) {
                (Some(i), Some(j)) => w[i..] == r[j..],
                (Some(_), None) => false,
                (None, _) => true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surefire_2_form_is_rewritten_to_ours() {
        assert_eq!(
            canonical("adds(com.acme.CalcTest)"),
            "com.acme.CalcTest#adds"
        );
        assert_eq!(
            canonical("adds[0](com.acme.CalcTest)"),
            "com.acme.CalcTest#adds[0]"
        );
        assert_eq!(
            canonical("com.acme.CalcTest#adds(int)[1]"),
            "com.acme.CalcTest#adds(int)[1]"
        );
        assert_eq!(
            canonical("com.acme.CalcTest.adds(int)"),
            "com.acme.CalcTest.adds(int)"
        );
    }

    #[test]
    fn every_form_names_the_same_test() {
        let ran = "com.acme.CalcTest#adds";
        for wanted in [
            "com.acme.CalcTest#adds",
            "adds(com.acme.CalcTest)",
            "com.acme.CalcTest.adds",
            "CalcTest#adds",
            "CalcTest.adds:31",
            "com.acme.CalcTest#adds()",
        ] {
            assert!(same_test(wanted, ran), "{wanted}");
        }
        assert!(same_test(
            "com.acme.Outer$Inner#adds",
            "com.acme.Outer.Inner#adds"
        ));
        assert!(same_test(
            "adds(com.acme.Outer$Inner)",
            "com.acme.Outer$Inner#adds"
        ));
        assert!(same_test(
            "com.acme.CalcTest#adds",
            "com.acme.CalcTest#adds[1]"
        ));
        assert!(same_test(
            "com.acme.CalcTest#adds",
            "com.acme.CalcTest#adds(int)[2]"
        ));
        assert!(same_test(
            "adds[1](com.acme.CalcTest)",
            "com.acme.CalcTest#adds[1]"
        ));
    }

    #[test]
    fn other_tests_are_not_the_same() {
        assert!(!same_test(
            "com.acme.CalcTest#adds",
            "com.acme.CalcTest#addsTwo"
        ));
        assert!(!same_test(
            "com.acme.CalcTest#adds",
            "com.acme.OtherCalcTest#adds"
        ));
        assert!(!same_test(
            "com.acme.CalcTest#adds",
            "org.acme.CalcTest#adds"
        ));
        assert!(!same_test(
            "com.acme.CalcTest#adds[1]",
            "com.acme.CalcTest#adds[2]"
        ));
        assert!(!same_test(
            "com.acme.CalcTest#adds[1]",
            "com.acme.CalcTest#adds"
        ));
        assert!(!same_test(
            "subtracts(com.acme.CalcTest)",
            "com.acme.CalcTest#adds"
        ));
    }
}
