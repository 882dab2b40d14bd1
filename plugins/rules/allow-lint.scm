; id: allow-lint
; severity: low
; message: #[allow(...)]: the kernel's convention is #[expect(...)]
; question: Would #[expect(...)] do, so that the exception goes away when it is no longer needed?
((attribute_item (attribute (identifier) @name)) @finding
 (#eq? @name "allow"))
