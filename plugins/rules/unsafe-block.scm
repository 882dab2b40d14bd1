; id: unsafe-block
; severity: high
; message: unsafe block added or changed
; question: Does the SAFETY comment name every precondition of the unsafe operations inside, and does the surrounding code guarantee each one?
(unsafe_block) @finding
