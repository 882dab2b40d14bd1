; id: unsafe-trait
; severity: high
; message: unsafe trait declared
; question: Does the trait document what implementers must guarantee?
(trait_item "unsafe") @finding
