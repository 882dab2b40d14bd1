; id: export-symbol
; severity: medium
; message: #[no_mangle] or #[export_name]: a symbol C code calls
; question: Is the exported signature what the C side declares, and is the function safe to call from any C caller?
((attribute_item (attribute (identifier) @name)) @finding
 (#any-of? @name "no_mangle" "export_name"))
