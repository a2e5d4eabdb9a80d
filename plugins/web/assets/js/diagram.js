// Draws a BPMN document with the bpmn-js viewer (the global BpmnJS of the vendored bundle)
// and marks flow nodes by their state: 'active', 'completed' or 'failed'.
export async function drawDiagram(container, xml, markers = new Map()) {
  if (typeof window.BpmnJS !== 'function') throw new Error('The bpmn-js viewer did not load.');
  const viewer = new window.BpmnJS({ container });
  await viewer.importXML(xml);
  viewer.get('canvas').zoom('fit-viewport');
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  for (const [flowNodeId, state] of markers) {
    if (!registry.get(flowNodeId)) continue;
    canvas.addMarker(flowNodeId, `marker-${state}`);
  }
  container.dataset.markers = JSON.stringify(Object.fromEntries(markers));
  return viewer;
}
