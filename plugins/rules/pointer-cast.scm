; id: pointer-cast
; severity: medium
; message: cast to a raw pointer type
; question: Is the pointer properly aligned and valid for the target type? Would .cast() or a typed API do?
(type_cast_expression type: (pointer_type)) @finding
