// A snapshot decoded once per text, as the Forge handlers decode a stored one (SnapshotReader,
// then its answers), for tests that ask one snapshot several questions.
export function loadedSnapshots(steward) {
  const loaded = new Map();
  return (text) => {
    if (!loaded.has(text)) {
      const reader = new steward.SnapshotReader();
      reader.push(text);
      loaded.set(text, reader.finish());
    }
    return loaded.get(text);
  };
}
