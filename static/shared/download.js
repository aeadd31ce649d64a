// Saves a text the backend wrote as a file the person downloads (the Custom UI iframe's sandbox
// allows downloads, not pop-ups).
export function saveFile(fileName, mimeType, text) {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
