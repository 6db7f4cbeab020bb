// "Ada Lovelace" -> "A.L."; hyphenated names give one initial per part.
function initials(name) {
  return name
    .split(/[\s]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + '.')
    .join('');
}

module.exports = { initials };
