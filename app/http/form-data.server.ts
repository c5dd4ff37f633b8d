/**
 * The submitted form, or a 400 when the body is not a form at all (JSON, a broken multipart body,
 * no Content-Type). `request.formData()` throws a TypeError for those, which would be a 500.
 */
export async function readFormData(request: Request) {
  try {
    return await request.formData();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new Response("The request body is not a form", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}
