// Drives the TypeScript client that openapi-generator's typescript-fetch generates from
// /openapi.json (into ./client beside this file) against a running service: GeneratedClientIT
// compiles both with `tsc --strict`, runs the result with Node and the base URL as its argument,
// then checks the task it reports through plain HTTP. Uses only what Node.js has built in (fetch).
import { Configuration, ResponseError, TasksApi, UsersApi } from "./client";

declare const process: { argv: string[]; exitCode?: number };

async function main(base: string): Promise<void> {
  const signedUp = await new UsersApi(new Configuration({ basePath: base })).signUp({
    newUser: { email: "typescript-client@example.com", password: "typescript-client-1" },
  });
  const tasks = new TasksApi(new Configuration({ basePath: base, accessToken: signedUp.apiKey.key }));
  const created = await tasks.createTask({ newTask: { title: "From the TypeScript client" } });
  const done = await tasks.updateTask({ id: created.id, taskPatch: { isCompleted: true } });
  const listed = await tasks.listTasks({ completed: true, limit: 10 });
  if (!done.isCompleted || !(done.updatedAt instanceof Date) || listed.length !== 1) {
    throw new Error(`unexpected answers: ${JSON.stringify({ done, listed })}`);
  }
  const missing = await tasks.getTask({ id: created.id + 1000 }).then(
    () => 200,
    (e: unknown) => (e instanceof ResponseError ? e.response.status : -1),
  );
  // One line for the test: what it checks again over plain HTTP.
  console.log(JSON.stringify({ id: created.id, key: signedUp.apiKey.key, missing }));
}

main(process.argv[2]).catch((e: unknown) => {
  console.error(e instanceof ResponseError ? `${e.message}: HTTP ${e.response.status}` : e);
  process.exitCode = 1;
});
