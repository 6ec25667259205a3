/** The file name the server proposes (Content-Disposition), or `fallback`. */
export const fileNameOf = (headers: Headers | undefined, fallback: string): string => {
  const disposition = headers?.get('content-disposition') ?? '';
  const encoded = disposition.match(/filename\*=UTF-8''([^;]+)/i)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded);
    } catch {
      // A malformed encoding: fall through to the plain name.
    }
  }
  return disposition.match(/filename="?([^";]+)"?/i)?.[1] ?? fallback;
};

/**
 * Hand a blob to the browser as a download. The admin API needs the admin's bearer
 * token, so a plain link cannot fetch the file: it is fetched first, then saved.
 */
export const saveBlob = (data: Blob, fileName: string) => {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
};

export const saveText = (text: string, fileName: string, type = 'application/json') =>
  saveBlob(new Blob([text], { type }), fileName);
