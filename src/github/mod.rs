//! GitHub: event payloads, REST (runs, jobs, logs, pulls), publishing fixes, workflow commands.
