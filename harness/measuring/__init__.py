"""The parent's side of measuring: examples found, timed in workers, recorded.

- ``discover``: the examples, their files and what their headers declare.
- ``run``: every example measured in turn, each result saved as it comes.
- ``example``: one example: described, its variants timed, its transcripts run.
- ``rounds``: variants timed in paired, interleaved rounds until the interval is narrow.
- ``jobs``: a worker interpreter started, asked, watched and stopped.
- ``supervise``: a process tree run in its own session and watched from outside.
- ``memory``: how much memory a process tree holds.
- ``machine``: where a measurement ran: hardware, Python, libraries, commit.
- ``fingerprint``: whether an example must be measured again.
- ``pythons``: the interpreter-dependent examples measured with other interpreters.
"""
