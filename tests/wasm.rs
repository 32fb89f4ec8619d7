//! The boundary, inside wasm (wasm-bindgen-test under Node): arguments of every wrong kind come
//! back as `JourneyError`s or diagnostics, never a trap, and the instance keeps working.
//! Run by scripts/test.sh: `cargo test --target wasm32-unknown-unknown --test wasm`.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use account_journey::wasm::{Journey, validate_definition, version};
use js_sys::{Array, JsString, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

fn first_code(validation: &JsValue) -> String {
    let diagnostics: Array = get(validation, "diagnostics").dyn_into().unwrap();
    get(&diagnostics.get(0), "code").as_string().unwrap()
}

fn still_works() {
    assert_eq!(Journey::default_journey().unwrap().id(), "default");
    assert!(!version().is_empty());
}

fn cyclic() -> JsValue {
    let obj = Object::new();
    Reflect::set(&obj, &"self".into(), &obj).unwrap();
    obj.into()
}

#[wasm_bindgen_test]
fn bad_arguments_are_errors_with_codes() {
    let lone_surrogate: JsValue = JsString::from_char_code1(0xD800).into();
    let huge = JsValue::from_str(&"x".repeat(5 * 1024 * 1024));
    let cases: Vec<(JsValue, &str)> = vec![
        (JsValue::UNDEFINED, "invalid-argument"),
        (JsValue::NULL, "invalid-argument"),
        (JsValue::from_f64(42.0), "invalid-argument"),
        (JsValue::TRUE, "invalid-argument"),
        (JsValue::bigint_from_str("10"), "invalid-argument"),
        (cyclic(), "invalid-argument"),
        (lone_surrogate, "invalid-utf16"),
        (huge, "limit-exceeded"),
        (JsValue::from_str("{"), "json-syntax"),
    ];
    for (input, code) in cases {
        let validation = validate_definition(input.clone());
        assert_eq!(get(&validation, "ok"), JsValue::FALSE);
        assert_eq!(first_code(&validation), code);
        let err = Journey::new(input).err().expect("an error");
        assert!(err.is_instance_of::<js_sys::Error>(), "a real Error");
        assert_eq!(
            get(&err, "name").as_string().as_deref(),
            Some("JourneyError")
        );
        assert_eq!(get(&err, "code").as_string().as_deref(), Some(code));
        assert!(get(&err, "path").is_string());
        assert!(Array::is_array(&get(&err, "diagnostics")));
        still_works();
    }
}

#[wasm_bindgen_test]
fn valid_definitions_round_trip() {
    let text = r#"{"id": "j", "name": "J", "version": "1",
                   "stages": [{"id": "a", "name": "A", "kind": "terminal", "owner": null}]}"#;
    let validation = validate_definition(JsValue::from_str(text));
    assert_eq!(get(&validation, "ok"), JsValue::TRUE);
    let journey = Journey::new(JsValue::from_str(text)).unwrap();
    let stages: Array = journey.stages().unwrap().dyn_into().unwrap();
    assert_eq!(stages.length(), 1);
    let stage = stages.get(0);
    assert_eq!(get(&stage, "kind").as_string().as_deref(), Some("terminal"));
    assert!(
        get(&stage, "owner").is_null(),
        "absent values are null, not undefined"
    );
}
