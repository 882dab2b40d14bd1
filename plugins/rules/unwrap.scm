; id: unwrap
; severity: medium
; message: unwrap()/expect() outside tests
; question: Can this fail at run time? Kernel code must return an error instead of panicking.
((call_expression function: (field_expression field: (field_identifier) @m)) @finding
 (#any-of? @m "unwrap" "expect"))
