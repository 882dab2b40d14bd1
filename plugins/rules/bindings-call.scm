; id: bindings-call
; severity: medium
; message: call into C through bindings::
; question: Are the C function's locking, lifetime and error-return rules upheld on this call, and are its results checked?
((call_expression function: (scoped_identifier path: (_) @path)) @finding
 (#match? @path "(^|::)bindings$"))
