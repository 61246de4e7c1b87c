import { GetBucketCorsCommand, PutBucketCorsCommand, type CORSRule } from "@aws-sdk/client-s3";
import { getEnv } from "@/server/env";
import { directUploadS3 } from "@/server/upload/direct-upload.service";

/**
 * The bucket CORS rule direct upload needs: the app's pages (BASE_URL) may PUT parts, with their
 * Content-MD5, and read the ETag S3 answers.
 */
export function directUploadCorsRule(baseUrl: string): CORSRule {
  return { AllowedOrigins: [new URL(baseUrl).origin], AllowedMethods: ["PUT"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 3600 };
}

/**
 * `npm run admin -- s3-cors [--print]`: sets the rule on the bucket, keeping other rules that do
 * not name the same origin, or with `print` only shows what it would set and what is there now.
 */
export async function configureDirectUploadCors(input: { print?: boolean }) {
  const env = getEnv();
  if (env.storage !== "s3") throw new Error("s3-cors needs STORAGE=s3");
  const rule = directUploadCorsRule(env.baseUrl);
  const { client, bucket } = directUploadS3();
  const current = await client.send(new GetBucketCorsCommand({ Bucket: bucket })).then(
    (out) => out.CORSRules ?? [],
    (e: { name?: string }) => (e.name === "NoSuchCORSConfiguration" ? [] : Promise.reject(e)),
  );
  if (input.print) return { bucket, rule, current };
  const others = current.filter((r) => !(r.AllowedOrigins ?? []).includes(rule.AllowedOrigins![0]!));
  await client.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [...others, rule] } }));
  return { bucket, applied: rule, kept: others.length };
}
