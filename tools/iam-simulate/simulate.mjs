// Reads simulations (JSON array on stdin), evaluates each with @cloud-copilot/iam-simulate and
// prints the results as a JSON array: {"result": "Allowed" | "ExplicitlyDenied" |
// "ImplicitlyDenied" | "Error", "errors": ...}, in the same order.
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const simulations = JSON.parse(Buffer.concat(chunks).toString('utf8'))

const results = []
for (const simulation of simulations) {
  const response = await runSimulation(simulation, {})
  if (response.resultType === 'error') {
    results.push({ result: 'Error', errors: response.errors })
  } else {
    results.push({ result: response.overallResult })
  }
}
process.stdout.write(JSON.stringify(results))
