//! Tests of the name rules (`names.rs`).

use super::*;

fn run(mut doc: Value) -> (Value, Report) {
    let mut report = Report::default();
    normalise(&mut doc, &mut report);
    (doc, report)
}

fn ok(schema: Value) -> Value {
    json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}})
}

#[test]
fn type_names_follow_typify() {
    assert_eq!(type_name("_metadata"), "Metadata");
    assert_eq!(type_name("metadata"), "Metadata");
    assert_eq!(
        type_name("DefaultResponseDTOOfString"),
        "DefaultResponseDtoOfString"
    );
    assert_eq!(type_name("a.b-c d"), "ABCD");
    assert_eq!(type_name("2fa"), "X2fa");
    assert_eq!(type_name("self"), "Self_");
    assert_eq!(type_name(""), "X");
    assert_eq!(progenitor_type_name("getDrug-response"), "GetDrugResponse");
    assert_eq!(progenitor_type_name("get_drug-DRUG_ID"), "GetDrugDrugId");
}

#[test]
fn operations_named_as_client_methods_are_numbered() {
    let (doc, report) = run(json!({"paths": {
        "/": {"post": {"operationId": "post", "responses": ok(json!({}))},
              "get": {"operationId": "Exec", "responses": ok(json!({}))}},
        "/b": {"get": {"operationId": "post2", "responses": ok(json!({}))},
               "put": {"operationId": "posts", "responses": ok(json!({}))}}
    }}));
    assert_eq!(doc["paths"]["/"]["post"]["operationId"], "post3");
    assert_eq!(doc["paths"]["/"]["get"]["operationId"], "Exec2");
    assert_eq!(doc["paths"]["/b"]["get"]["operationId"], "post2");
    assert_eq!(doc["paths"]["/b"]["put"]["operationId"], "posts");
    assert_eq!(
        report.details("method-name-collisions"),
        ["POST /: post -> post3", "GET /: Exec -> Exec2"]
    );
}

#[test]
fn colliding_component_names_are_renamed_with_every_ref() {
    let (doc, report) = run(json!({
        "paths": {"/m": {"get": {"operationId": "m", "responses": ok(json!({
            "type": "object", "properties": {
                "a": {"$ref": "#/components/schemas/_metadata"},
                "b": {"$ref": "#/components/schemas/metadata"},
                "c": {"$ref": "#/components/schemas/Metadata/properties/n"}}}))}}},
        "components": {"schemas": {
            "_metadata": {"type": "object", "properties": {"n": {"type": "integer"}}},
            "metadata": {"type": "object", "properties": {"s": {"type": "string"}}},
            "Metadata": {"type": "object", "properties": {"n": {"type": "string"}}},
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/metadata"}],
                    "discriminator": {"propertyName": "k", "mapping": {
                        "m": "#/components/schemas/metadata"}}}
        }}
    }));
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    // `Metadata` is spelt as its type name and keeps it; the others in byte order.
    let keys: Vec<&String> = schemas.keys().collect();
    assert_eq!(keys, ["Metadata2", "Metadata3", "Metadata", "Pet"]);
    assert_eq!(schemas["Metadata2"]["properties"]["n"]["type"], "integer");
    let props = &doc["paths"]["/m"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        ["properties"];
    assert_eq!(props["a"]["$ref"], "#/components/schemas/Metadata2");
    assert_eq!(props["b"]["$ref"], "#/components/schemas/Metadata3");
    assert_eq!(
        props["c"]["$ref"],
        "#/components/schemas/Metadata/properties/n"
    );
    assert_eq!(
        schemas["Pet"]["oneOf"][0]["$ref"],
        "#/components/schemas/Metadata3"
    );
    assert_eq!(
        schemas["Pet"]["discriminator"]["mapping"]["m"],
        "#/components/schemas/Metadata3"
    );
    assert_eq!(
        report.details("schema-name-collisions"),
        [
            "_metadata -> Metadata2 (Metadata keeps Metadata)",
            "metadata -> Metadata3 (Metadata keeps Metadata)"
        ]
    );
    // Distinct names: nothing fires.
    let (_, report) = run(json!({"components": {"schemas": {"A": {}, "B": {}}}}));
    assert_eq!(report.times("schema-name-collisions"), 0);
}

#[test]
fn a_component_named_as_typify_names_its_merged_copy_is_renamed() {
    let (doc, report) = run(json!({"components": {"schemas": {
        "POSTAccountType": {"allOf": [
            {"properties": {"billToContact": {"$ref": "#/components/schemas/POSTAccountTypeBillToContact"},
                            "other": {"$ref": "#/components/schemas/Plain"}}},
            {"$ref": "#/components/schemas/Plain"}]},
        "POSTAccountTypeBillToContact": {"allOf": [{"properties": {"city": {"type": "string"}}}]},
        "POSTAccountTypeOther": {"type": "object"},
        "Plain": {"type": "object"}
    }}}));
    let schemas = &doc["components"]["schemas"];
    assert!(schemas.get("PostAccountTypeBillToContact2").is_some());
    assert_eq!(
        schemas["POSTAccountType"]["allOf"][0]["properties"]["billToContact"]["$ref"],
        "#/components/schemas/PostAccountTypeBillToContact2"
    );
    // `Plain` is no `allOf`: typify refers to it, no copy.
    assert!(schemas.get("POSTAccountTypeOther").is_some());
    assert_eq!(
        report.details("schema-name-collisions"),
        [
            "POSTAccountTypeBillToContact -> PostAccountTypeBillToContact2 (typify names its \
          copy in POSTAccountType.billToContact PostAccountTypeBillToContact)"
        ]
    );
}

#[test]
fn colliding_titles_are_made_unique_and_equal_shapes_share_one() {
    let prefix = json!({"title": "Prefix", "type": "string", "minLength": 1});
    let (doc, report) = run(json!({
        "paths": {"/p": {"get": {"operationId": "getP", "responses": ok(json!({
            "title": "GetPResponse", "type": "object",
            "properties": {"x": {"type": "string"}}}))}}},
        "components": {"schemas": {
            // A component's title does not name it: its key does.
            "Prefix": {"title": "Prefix", "type": "object", "properties": {
                "prefix": prefix.clone()}},
            "Other": {"type": "object", "properties": {
                "prefix": prefix,
                "kind": {"title": "Kind", "type": "string", "enum": ["a"]},
                "kind2": {"title": "Kind", "type": "string", "enum": ["b"]},
                "kind3": {"title": "Kind", "type": "string", "enum": ["a"]}}}
        }}
    }));
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["Prefix"]["title"], "Prefix");
    assert_eq!(
        schemas["Prefix"]["properties"]["prefix"]["title"],
        "Prefix2"
    );
    assert_eq!(schemas["Other"]["properties"]["prefix"]["title"], "Prefix2");
    assert_eq!(schemas["Other"]["properties"]["kind"]["title"], "Kind");
    assert_eq!(schemas["Other"]["properties"]["kind2"]["title"], "Kind2");
    assert_eq!(schemas["Other"]["properties"]["kind3"]["title"], "Kind");
    let response =
        &doc["paths"]["/p"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(response["title"], "GetPResponse2");
    assert_eq!(report.times("title-name-collisions"), 4);
    // A plain string (or number, or array) titled so is no type: its title stays.
    let (doc, plain) = run(json!({"components": {"schemas": {
        "Prefix": {"type": "object"},
        "A": {"properties": {
            "a": {"title": "Prefix", "type": "string"},
            "b": {"title": "Prefix", "type": "integer"},
            "c": {"title": "Prefix", "type": "array", "items": {}},
            "d": {"title": "Prefix", "type": "string", "pattern": "^a"}}}
    }}}));
    let a = &doc["components"]["schemas"]["A"]["properties"];
    for key in ["a", "b", "c"] {
        assert_eq!(a[key]["title"], "Prefix", "{key}");
    }
    assert_eq!(a["d"]["title"], "Prefix2");
    assert_eq!(plain.times("title-name-collisions"), 1);

    assert!(
        report.details("title-name-collisions").contains(
            &"/components/schemas/Other/properties/kind2: Kind -> Kind2 (another shape's title)"
                .to_owned()
        ),
        "{:?}",
        report.details("title-name-collisions")
    );
}

#[test]
fn untitled_inline_schemas_whose_suggested_name_is_a_component_get_a_unique_title() {
    let object = json!({"type": "object", "properties": {"x": {"type": "string"}}});
    let (doc, report) = run(json!({
        "paths": {"/p": {"post": {"operationId": "getP",
            "requestBody": {"content": {"application/json": {"schema": object.clone()}}},
            "responses": ok(object.clone())}}},
        "components": {"schemas": {
            "GetPResponse": {"type": "object"},
            "GetPBody": {"type": "object"},
            "Owner": {"type": "object", "properties": {
                "pet": object.clone(),
                "petRef": {"$ref": "#/components/schemas/OwnerPet"},
                "name": {"type": "string"}}},
            "OwnerPet": {"type": "object"},
            "OwnerName": {"type": "object"},
            // A constrained string in an inline `allOf` part (zuora, shipengine).
            "Account": {"allOf": [{"properties": {
                "tag": {"type": "string", "maxLength": 9}}}]},
            "account_tag": {"type": "string"}
        }}
    }));
    let op = &doc["paths"]["/p"]["post"];
    assert_eq!(
        op["requestBody"]["content"]["application/json"]["schema"]["title"],
        "GetPBody2"
    );
    assert_eq!(
        op["responses"]["200"]["content"]["application/json"]["schema"]["title"],
        "GetPResponse2"
    );
    let owner = &doc["components"]["schemas"]["Owner"]["properties"];
    assert_eq!(owner["pet"]["title"], "OwnerPet2");
    assert_eq!(
        doc["components"]["schemas"]["Account"]["allOf"][0]["properties"]["tag"]["title"],
        "AccountTag2"
    );
    // A `$ref` and a plain string make no type of that name.
    assert!(owner["petRef"].get("title").is_none());
    assert!(owner["name"].get("title").is_none());
    assert_eq!(report.times("title-name-collisions"), 4);
    // No component of that name: the suggestion stands, no title.
    let (doc, report) = run(json!({
        "paths": {"/p": {"get": {"operationId": "getP", "responses": ok(object)}}},
        "components": {"schemas": {"Other": {}}}
    }));
    let response =
        &doc["paths"]["/p"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(response.get("title").is_none());
    assert_eq!(report.times("title-name-collisions"), 0);
}

#[test]
fn colliding_fields_keep_the_one_spelt_as_the_field() {
    let (doc, report) = run(json!({"components": {"schemas": {
        "E": {"type": "object", "required": ["Message", "id"], "properties": {
            "Message": {"type": "string"},
            "message": {"type": "string"},
            "id": {"type": "string"},
            "Id": {"type": "integer"},
            "ID": {"type": "integer"}}}
    }}}));
    let e = &doc["components"]["schemas"]["E"];
    let keys: Vec<&String> = e["properties"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["message", "id"]);
    assert_eq!(e["required"], json!(["id"]));
    assert_eq!(report.times("field-name-collisions"), 3);
    assert_eq!(
        report.details("field-name-collisions")[0],
        "/components/schemas/E: property Id left out of the struct, id is the field (a \
         response keeps Id in `extra`)"
    );
    // A required name with no property of its own is a field too (airbyte's
    // `required: [json_schema]` beside the property `jsonSchema`).
    let (doc, report) = run(json!({"components": {"schemas": {"S": {
        "required": ["name", "json_schema"],
        "properties": {"jsonSchema": {}, "name": {}}}}}}));
    assert_eq!(
        doc["components"]["schemas"]["S"]["required"],
        json!(["name"])
    );
    assert_eq!(
        report.details("field-name-collisions"),
        [
            "/components/schemas/S: required json_schema (no such property) dropped from \
             `required`, jsonSchema is the field"
        ]
    );
    // Without an exact spelling the first stays.
    let (doc, _) = run(json!({"components": {"schemas": {"F": {"properties": {
        "Drug-Id": {}, "DrugId": {}}}}}}));
    let keys: Vec<&String> = doc["components"]["schemas"]["F"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys, ["Drug-Id"]);
}

#[test]
fn fields_of_one_merged_all_of_collide_too() {
    let (doc, report) = run(json!({"components": {"schemas": {
        "Exception": {"type": "object", "properties": {"Message": {"type": "string"}}},
        "Base": {"allOf": [{"$ref": "#/components/schemas/Exception"}]},
        "ApiException": {"allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "required": ["message"], "properties": {
                "message": {"type": "string"}, "code": {"type": "integer"}}},
            {"type": "object", "properties": {"Code": {"type": "string"}}}
        ]}
    }}}));
    let parts = &doc["components"]["schemas"]["ApiException"]["allOf"];
    assert_eq!(parts[1]["properties"], json!({"code": {"type": "integer"}}));
    assert!(parts[1].get("required").is_none());
    assert_eq!(parts[2]["properties"], json!({}));
    assert_eq!(
        report.details("field-name-collisions"),
        [
            "/components/schemas/ApiException/allOf/1: property message left out of the \
             merged struct, Message is the field (a response keeps message in `extra`)",
            "/components/schemas/ApiException/allOf/2: property Code left out of the merged \
             struct, code is the field (a response keeps Code in `extra`)"
        ]
    );
    // The referenced component itself is untouched.
    assert_eq!(
        doc["components"]["schemas"]["Exception"]["properties"]["Message"]["type"],
        "string"
    );
}

fn param(name: &str, location: &str, required: bool) -> Value {
    json!({"name": name, "in": location, "required": required, "schema": {"type": "string"}})
}

#[test]
fn a_colliding_path_parameter_is_renamed_with_its_template() {
    let (doc, report) = run(json!({
        "paths": {"/drug/{DRUG_ID}": {
            "parameters": [{"$ref": "#/components/parameters/Drug"}],
            "get": {"operationId": "getDrug", "responses": ok(json!({})),
                    "parameters": [param("drug_id", "query", true)]},
            "delete": {"operationId": "deleteDrug", "responses": ok(json!({}))}}},
        "components": {"parameters": {"Drug": param("DRUG_ID", "path", true)}}
    }));
    let item = &doc["paths"]["/drug/{DRUG_ID2}"];
    assert!(doc["paths"].get("/drug/{DRUG_ID}").is_none());
    assert!(item.get("parameters").is_none());
    assert_eq!(
        item["get"]["parameters"],
        json!([
            param("DRUG_ID2", "path", true),
            param("drug_id", "query", true)
        ])
    );
    assert_eq!(
        item["delete"]["parameters"],
        json!([param("DRUG_ID2", "path", true)])
    );
    assert_eq!(
        report.details("argument-name-collisions"),
        ["/drug/{DRUG_ID}: path parameter DRUG_ID -> DRUG_ID2 (the URL is the same)"]
    );
    assert!(report.skipped.is_empty());
}

#[test]
fn colliding_query_parameters_leave_out_the_optional_one_or_the_operation() {
    let (doc, report) = run(json!({"paths": {
        "/a": {"get": {"operationId": "a", "responses": ok(json!({})), "parameters": [
            param("pageSize", "query", false), param("page_size", "query", true)]}},
        "/b": {"post": {"operationId": "b", "responses": ok(json!({})),
            "requestBody": {"content": {"application/json": {"schema": {}}}},
            "parameters": [param("Body", "header", true)]},
            "get": {"operationId": "b2", "responses": ok(json!({})),
            "parameters": [param("Body", "header", true)]}}
    }}));
    assert_eq!(
        doc["paths"]["/a"]["get"]["parameters"],
        json!([param("page_size", "query", true)])
    );
    assert!(doc["paths"]["/b"].get("post").is_none());
    assert!(
        doc["paths"]["/b"].get("get").is_some(),
        "no body, no collision"
    );
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].method, "POST");
    assert_eq!(
        report.skipped[0].reason,
        "rule argument-name-collisions: required header parameter Body and the request \
         body are both the argument `body`"
    );
    assert_eq!(
        report.details("argument-name-collisions"),
        [
            "GET /a: optional query parameter pageSize left out (its argument name \
             `page_size` is taken)",
            "POST /b"
        ]
    );
}
