; id: raw-pointer-field
; severity: medium
; message: struct field holding a raw pointer (the type is then neither Send nor Sync unless an impl says so)
; question: Who keeps the pointee alive and synchronizes access to it, and does any Send/Sync impl of the type (or of a type holding it) justify crossing threads?
(field_declaration type: (pointer_type)) @finding
